"""A thread per connection with the standard library: http.server's ThreadingHTTPServer.

The seed book's fix, as most Python programmers would write it today. HTTP/1.1, so a
client that asks keeps its connection; /sleep blocks only its own thread; /cpu holds
the GIL, so two requests never burn CPU at once. Chapter 19 measures it beside
chapter 13.

    python3 threads.py --addr 127.0.0.1:0 --root static/
"""

import http.server
import time

import routes


class Handler(http.server.BaseHTTPRequestHandler):
    # Keep-alive when the client asks (HTTP/1.0 would close after every answer).
    protocol_version = "HTTP/1.1"
    # Seconds a silent client may hold its thread.
    timeout = routes.IDLE_TIMEOUT
    server_version = "python-peer"

    def do_GET(self):
        started = time.monotonic()
        request = routes.Request(self.command, self.path, self.request_version,
                                 {k.lower(): v for k, v in self.headers.items()})
        status, kind, body, sleep_ms, cpu_ms = routes.plan(request, self.server.root)
        if sleep_ms:
            time.sleep(sleep_ms / 1000)  # only this thread waits
        if cpu_ms:
            routes.burn_cpu(cpu_ms)
        keep_alive = request.keep_alive()
        self.close_connection = not keep_alive
        self.wfile.write(routes.response(status, kind, body, keep_alive,
                                         self.command == "HEAD"))
        routes.log(self.address_string(), self.command, self.path, status, len(body), started)

    do_HEAD = do_GET

    def log_message(self, format, *args):
        pass  # do_GET logs one line per request, in the chapters' format


class Server(http.server.ThreadingHTTPServer):
    # socketserver's default backlog is 5: see routes.BACKLOG.
    request_queue_size = routes.BACKLOG


def main():
    host, port, root = routes.parse_args("A thread per connection (http.server).")
    server = Server((host, port), Handler)
    server.root = root
    routes.announce(server.server_address)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
