"""Local servers on 127.0.0.1 at free ports: an SMTP server (aiosmtpd) and a webhook receiver.

The receiver checks each request's ``X-Vendorwatch-Signature`` against the watchlist's secret
as a real receiver would, and can be told to fail its first N requests.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class Inbox:
    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        parsed = message_from_bytes(content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


class _BoundController(Controller):
    """aiosmtpd's controller on a socket bound here to port 0 (no port guessing, no race)."""

    def __init__(self, handler: Any) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        super().__init__(handler, hostname="127.0.0.1", port=self._sock.getsockname()[1])

    def _create_server(self) -> Any:
        return self.loop.create_server(self._factory_invoker, sock=self._sock)


@contextmanager
def smtp_server() -> Iterator[tuple[int, Inbox]]:
    inbox = Inbox()
    controller = _BoundController(inbox)
    controller.start()
    try:
        yield controller.port, inbox
    finally:
        controller.stop()


@dataclass
class Receiver:
    secret: str | None = None
    fail_first: int = 0
    received: list[dict[str, Any]] = field(default_factory=list)  # verified bodies
    rejected: int = 0
    calls: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def verify(self, body: bytes, header: str | None) -> bool:
        if self.secret is None or header is None:
            return False
        expected = "sha256=" + hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, header)


@contextmanager
def webhook_receiver(receiver: Receiver) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with receiver.lock:
                receiver.calls += 1
                failing = receiver.calls <= receiver.fail_first
                good = receiver.verify(body, self.headers.get("X-Vendorwatch-Signature"))
                if good and not failing:
                    receiver.received.append(json.loads(body))
                elif not good:
                    receiver.rejected += 1
            status = 503 if failing else (204 if good else 401)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()


__all__ = ["Inbox", "Receiver", "smtp_server", "webhook_receiver"]
