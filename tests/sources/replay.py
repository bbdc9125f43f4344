"""A local replay server: answers recorded exchanges on 127.0.0.1 at a random port.

A recording is a JSON list of exchanges ``{"method", "path", "match", "status", "body",
"headers"}``. A request is answered by the first exchange with its method and path whose
``match`` is contained in the request (the JSON body for POST, the query for GET): dicts by
key, lists element by element. Anything unrecorded gets a 404 in the API's ``{"detail"}``
shape, so a test sees exactly which request it did not expect. Every request is logged.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit


def file_exchange(path: str, content: bytes) -> dict[str, Any]:
    """A GET of ``path`` answered with these bytes (a download's zip)."""
    return {**exchange("GET", path, None), "content_base64": base64.b64encode(content).decode()}


def exchange(
    method: str,
    path: str,
    body: Any,
    *,
    match: Any = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "method": method,
        "path": path,
        "match": match if match is not None else {},
        "status": status,
        "body": body,
        "headers": headers or {},
    }


def contains(actual: Any, expected: Any) -> bool:
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            k in actual and contains(actual[k], v) for k, v in expected.items()
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(contains(a, e) for a, e in zip(actual, expected, strict=True))
        )
    return bool(actual == expected)


@dataclass
class Replay:
    exchanges: list[dict[str, Any]]
    log: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, method: str, path: str, request: Any) -> tuple[int, dict[str, str], bytes]:
        with self.lock:
            self.log.append({"method": method, "path": path, "request": request})
        for ex in self.exchanges:
            if ex["method"] == method and ex["path"] == path and contains(request, ex["match"]):
                if "content_base64" in ex:  # a file (a download's zip), not a JSON answer
                    headers = {"Content-Type": "application/zip", **ex["headers"]}
                    return ex["status"], headers, base64.b64decode(ex["content_base64"])
                body = json.dumps(ex["body"], separators=(",", ":")).encode()
                return ex["status"], ex["headers"], body
        detail = json.dumps({"detail": f"no recording for {method} {path}"}).encode()
        return 404, {}, detail


def _handler(replay: Replay) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def _reply(self, method: str, request: Any) -> None:
            path = urlsplit(self.path).path
            status, headers, body = replay.answer(method, path, request)
            self.send_response(status)
            headers = {"Content-Type": "application/json", **headers}
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            self._reply("GET", dict(parse_qsl(urlsplit(self.path).query)))

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self._reply("POST", json.loads(self.rfile.read(length) or b"null"))

    return Handler


@contextmanager
def serve(exchanges: list[dict[str, Any]]) -> Iterator[tuple[str, Replay]]:
    """``(base url, replay)`` while the server runs in a thread of this process."""
    replay = Replay(exchanges)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(replay))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", replay
    finally:
        server.shutdown()
        server.server_close()


def save(exchanges: list[dict[str, Any]], path: Path) -> Path:
    path.write_text(json.dumps(exchanges, indent=1), "utf-8")
    return path
