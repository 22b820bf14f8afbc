"""The seed book's server before its fix, written anew: one connection at a time.

Accept, read one request, answer, close, then accept the next. /sleep blocks every
other client meanwhile: that is the model (chapter 10, and chapter 11's blocking
problem). Chapter 19 measures it beside chapter 10.

    python3 sequential.py --addr 127.0.0.1:0 --root static/
"""

import socket
import time

import routes


def serve(listener, root):
    while True:
        conn, peer = listener.accept()
        with conn:
            try:
                answer(conn, f"{peer[0]}:{peer[1]}", root)
            except OSError:
                pass  # the client went away: nothing to answer, take the next one


def answer(conn, peer, root):
    # One deadline per read, not for the whole head: Python's sockets have no simpler way.
    conn.settimeout(routes.IDLE_TIMEOUT)
    started = time.monotonic()
    head = b""
    while b"\r\n\r\n" not in head:
        if len(head) > routes.MAX_HEAD:
            conn.sendall(routes.response(431, "text/plain", b"head too large\n", False))
            return
        chunk = conn.recv(4096)
        if not chunk:
            return
        head += chunk
    request = routes.parse_head(head.split(b"\r\n\r\n", 1)[0])
    if isinstance(request, int):
        conn.sendall(routes.response(request, "text/plain", b"bad request\n", False))
        return
    status, kind, body, sleep_ms, cpu_ms = routes.plan(request, root)
    if sleep_ms:
        time.sleep(sleep_ms / 1000)  # every other client waits too
    if cpu_ms:
        routes.burn_cpu(cpu_ms)
    # One request per connection, like chapter 10: the answer says close, and we do.
    conn.sendall(routes.response(status, kind, body, False, request.method == "HEAD"))
    routes.log(peer, request.method, request.target, status, len(body), started)


def main():
    host, port, root = routes.parse_args("One connection at a time (the seed book's server).")
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(routes.BACKLOG)
    routes.announce(listener.getsockname())
    try:
        serve(listener, root)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
