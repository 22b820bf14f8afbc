"""One thread, one event loop: plain asyncio streams, keep-alive capable.

The seed article's async/await server, serving HTTP: a coroutine per connection,
/sleep awaits without blocking anyone, /cpu blocks the whole loop (like chapter 15's
single loop). Chapter 19 measures it beside chapter 17.

    python3 asyncio_server.py --addr 127.0.0.1:0 --root static/
"""

import asyncio
import time

import routes


# ANCHOR: handle
async def handle(reader, writer, root):
    peer = writer.get_extra_info("peername")
    peer = f"{peer[0]}:{peer[1]}"
    try:
        while True:
            # The whole head within the idle timeout; on a kept-alive connection, the
            # next one.
            try:
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), routes.IDLE_TIMEOUT)
            except asyncio.LimitOverrunError:
                writer.write(routes.response(431, "text/plain", b"head too large\n", False))
                break
            except (asyncio.IncompleteReadError, asyncio.TimeoutError):
                break  # closed, or silent too long
            started = time.monotonic()
            request = routes.parse_head(head[:-4])
            if isinstance(request, int):
                writer.write(routes.response(request, "text/plain", b"bad request\n", False))
                break
            status, kind, body, sleep_ms, cpu_ms = routes.plan(request, root)
            if sleep_ms:
                await asyncio.sleep(sleep_ms / 1000)  # other connections go on
            if cpu_ms:
                routes.burn_cpu(cpu_ms)  # the whole loop waits: one thread
            keep_alive = request.keep_alive()
            writer.write(routes.response(status, kind, body, keep_alive, request.method == "HEAD"))
            await writer.drain()
            routes.log(peer, request.method, request.target, status, len(body), started)
            if not keep_alive:
                break
        await writer.drain()
    except ConnectionError:
        pass  # the client went away mid-answer
    finally:
        writer.close()
# ANCHOR_END: handle


async def main():
    host, port, root = routes.parse_args("One event loop (asyncio streams).")
    server = await asyncio.start_server(
        lambda r, w: handle(r, w, root), host, port,
        backlog=routes.BACKLOG, limit=routes.MAX_HEAD)
    routes.announce(server.sockets[0].getsockname())
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
