"""A local HTTP server per test (http.server in a thread): the only thing ingestion tests fetch from."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the headers are sent


Route = Reply | Callable[["Handler"], Reply | None]


class Handler(BaseHTTPRequestHandler):
    server: LocalServer

    def do_GET(self):  # noqa: N802 - the http.server API
        self.server.requests.append({"path": self.path, "headers": dict(self.headers)})
        route = self.server.routes.get(self.path.split("?", 1)[0])
        if route is None:
            reply = Reply(404, b"not found", {"Content-Type": "text/plain"})
        elif isinstance(route, Reply):
            reply = route
        else:
            reply = route(self)
            if reply is None:
                return  # the route wrote the response itself
        if reply.delay:
            time.sleep(reply.delay)
        try:
            self.send_response(reply.status)
            headers = {"Content-Length": str(len(reply.body)), **reply.headers}
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format, *args):
        pass


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.routes: dict[str, Route] = {}
        self.requests: list[dict] = []

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r["path"].split("?", 1)[0] == path)


@pytest.fixture
def http_server():
    server = LocalServer()
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


# The test servers listen on ephemeral ports; production fetches only 80 and 443.
EPHEMERAL_PORTS = [(80, 80), (443, 443), (1024, 65535)]


@pytest.fixture
def allow_loopback(settings):
    """Let fetches reach 127.0.0.0/8 (where the test servers listen, on high ports) and nothing
    else private."""
    settings.FETCH_ALLOW_PRIVATE_ADDRESSES = ["127.0.0.0/8"]
    settings.FETCH_ALLOWED_PORTS = EPHEMERAL_PORTS
    return settings


def html_reply(body: str | bytes, charset: str = "utf-8", **headers) -> Reply:
    data = body.encode(charset) if isinstance(body, str) else body
    return Reply(200, data, {"Content-Type": f"text/html; charset={charset}", **headers})


def fixture_bytes(*parts: str) -> bytes:
    return FIXTURES.joinpath(*parts).read_bytes()


def gzip_bomb(size: int) -> bytes:
    return gzip.compress(b"\0" * size, compresslevel=9)
