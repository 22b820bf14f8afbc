"""What the three Python peers share, so that they differ only in how they serve
clients at once: the flags, the ready line, reading a request head, and the routes.

The routes are the chapters' where Python has them: GET/HEAD of a file under --root (a
directory serves its index.html), /sleep?ms=N (the slow database query, at most 10 s)
and /cpu?ms=N (about N ms of CPU, at most 1 s). Each server decides how to wait for
/sleep: the sequential one blocks everyone, the threaded one blocks a thread, asyncio
awaits.
"""

import argparse
import email.utils
import mimetypes
import os
import sys
import time
import urllib.parse

# A request head larger than this gets 431, as the chapters answer.
MAX_HEAD = 8 * 1024
# Seconds a client gets to send its whole request head, and a kept-alive connection may
# stay idle: the chapters' default --idle-timeout.
IDLE_TIMEOUT = 10.0
# The listen backlog. Python's socketserver asks for 5, so ten thousand clients would be
# measuring SYN retries; the chapters ask for 1,024 or more.
BACKLOG = 1024

REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
           405: "Method Not Allowed", 431: "Request Header Fields Too Large"}


def parse_args(description):
    """--addr HOST:PORT and --root DIR, with the chapters' defaults."""
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--addr", default="127.0.0.1:8080",
                        help="address to listen on; port 0 picks a free one (default: %(default)s)")
    parser.add_argument("--root", default=os.path.join(here, "..", "..", "..", "static"),
                        help="folder of the website to serve (default: the workspace's static/)")
    args = parser.parse_args()
    host, _, port = args.addr.rpartition(":")
    if not host or not port.isdigit():
        parser.error(f"--addr: expected HOST:PORT, got {args.addr!r}")  # exits 2
    return host, int(port), os.path.realpath(args.root)


def announce(address):
    """The ready line every server prints once it listens, with the port really bound."""
    host, port = address[0], address[1]
    print(f"Listening on http://{host}:{port}", flush=True)


def log(peer, method, target, status, size, started):
    """One line per request on stderr, as the chapters write."""
    ms = (time.monotonic() - started) * 1000
    print(f'{peer} "{method} {target}" {status} {size} {ms:.1f}ms', file=sys.stderr)


class Request:
    """The parts of a request head the routes need."""

    def __init__(self, method, target, version, headers):
        self.method, self.target, self.version, self.headers = method, target, version, headers

    def keep_alive(self):
        """HTTP/1.1 persists unless the client says close; HTTP/1.0 only if it asks."""
        connection = self.headers.get("connection", "").lower()
        if self.version == "HTTP/1.1":
            return "close" not in connection
        return "keep-alive" in connection


def parse_head(head):
    """A Request from the bytes before the blank line, or an int status for bad input."""
    try:
        lines = head.decode("latin-1").split("\r\n")
        method, target, version = lines[0].split(" ")
    except ValueError:
        return 400
    if not target.startswith("/") or version not in ("HTTP/1.0", "HTTP/1.1"):
        return 400
    headers = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon:
            return 400
        headers[name.strip().lower()] = value.strip()
    return Request(method, target, version, headers)


def plan(request, root):
    """What to answer: (status, content type, body, ms to sleep first, ms of CPU first)."""
    if request.method not in ("GET", "HEAD"):
        return 405, "text/plain", b"only GET and HEAD\n", 0, 0
    path, _, query = request.target.partition("?")
    params = urllib.parse.parse_qs(query)
    if path in ("/sleep", "/cpu"):
        limit = 10_000 if path == "/sleep" else 1_000
        try:
            ms = min(int(params.get("ms", ["0"])[0]), limit)
        except ValueError:
            return 400, "text/plain", b"ms must be a whole number\n", 0, 0
        body = f"{path[1:]} {ms} ms\n".encode()
        return (200, "text/plain", body, ms, 0) if path == "/sleep" else (200, "text/plain", body, 0, ms)
    return file_answer(root, urllib.parse.unquote(path)) + (0, 0)


def file_answer(root, path):
    """The file under root that path names; never a byte from outside root."""
    if "\0" in path:
        return 404, "text/plain", b"not found\n"
    full = os.path.realpath(os.path.join(root, path.lstrip("/")))
    if full != root and not full.startswith(root + os.sep):
        return 403, "text/plain", b"forbidden\n"
    if os.path.isdir(full):
        full = os.path.join(full, "index.html")
    try:
        with open(full, "rb") as f:
            body = f.read()
    except OSError:
        return 404, "text/plain", b"not found\n"
    kind = mimetypes.guess_type(full)[0] or "application/octet-stream"
    return 200, kind, body


def burn_cpu(ms):
    """ms milliseconds of this thread's own CPU time. The chapters do a fixed amount of
    work; counting the thread's CPU clock (not the wall clock) is the same thing: time
    spent waiting for the GIL or for a core is not counted, so more threads cannot make
    a request do less work."""
    deadline = time.thread_time() + ms / 1000
    n = 0
    while time.thread_time() < deadline:
        n += 1
    return n


def response(status, kind, body, keep_alive, head_only=False):
    """The response bytes: the headers every chapter sends, then the body."""
    connection = "keep-alive" if keep_alive else "close"
    head = (f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}\r\n"
            f"Content-Type: {kind}\r\nContent-Length: {len(body)}\r\n"
            f"Date: {email.utils.formatdate(usegmt=True)}\r\nServer: python-peer\r\n"
            f"Connection: {connection}\r\n\r\n").encode()
    return head if head_only else head + body
