"""A local HTTP server for tests: serves a folder in the release layout on 127.0.0.1.

Supports conditional GET (If-Modified-Since -> 304) like a real static host, and a hook to
misbehave on command (faults tests plug in their own handler).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass


@contextmanager
def serve_folder(folder: Path, handler: type = QuietHandler) -> Iterator[str]:
    """Serve `folder` at http://127.0.0.1:<free port>; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(folder)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class Plan:
    """What a FaultyHandler does for each request, in order; once exhausted it serves normally.

    Actions: ("status", code[, retry_after]) answers with that status; ("reset", n) sends the
    headers and n body bytes then resets the connection; ("stall", n, seconds) sends n bytes
    then goes silent; ("short", n) claims the full Content-Length but sends only n bytes;
    ("slow", step, seconds) sends the whole file `step` bytes at a time, pausing between;
    ("body", bytes, content_type) answers 200 with that body; ("ok",) serves the file.
    """

    def __init__(self, *actions: tuple) -> None:
        self.actions = list(actions)
        self.requests: list[tuple[str, str]] = []  # (method, path)
        self._lock = threading.Lock()

    def next(self, method: str, path: str) -> tuple:
        with self._lock:
            self.requests.append((method, path))
            return self.actions.pop(0) if self.actions else ("ok",)


def faulty_handler(plan: Plan) -> type:
    import socket
    import struct
    import time

    class FaultyHandler(QuietHandler):
        protocol_version = "HTTP/1.1"

        def do_HEAD(self) -> None:
            self._act("HEAD")

        def do_GET(self) -> None:
            self._act("GET")

        def _act(self, method: str) -> None:
            action = plan.next(method, self.path)
            kind = action[0]
            if kind == "ok":
                return super().do_GET() if method == "GET" else super().do_HEAD()
            if kind == "status":
                self.send_response(action[1])
                if len(action) > 2:
                    self.send_header("Retry-After", str(action[2]))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            if kind == "body":
                body, content_type = action[1], action[2]
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if method == "GET":
                    self.wfile.write(body)
                return None
            data = Path(self.translate_path(self.path)).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if method != "GET":
                return None
            if kind == "slow":
                step, pause = action[1], action[2]
                try:
                    for start in range(0, len(data), step):
                        self.wfile.write(data[start : start + step])
                        self.wfile.flush()
                        time.sleep(pause)
                except OSError:
                    pass  # the client went away (killed): nothing more to send
                return None
            self.wfile.write(data[: action[1]])
            self.wfile.flush()
            if kind == "reset":
                # SO_LINGER 0: close() sends a TCP RST instead of a FIN.
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.close_connection = True
            elif kind == "stall":
                time.sleep(action[2])
                self.close_connection = True
            elif kind == "short":
                self.close_connection = True
            return None

    return FaultyHandler
