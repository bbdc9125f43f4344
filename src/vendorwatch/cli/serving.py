"""What ``vendorwatch serve`` says while it starts: a busy port before any work, and "ready"
only once the server answers (not when it is merely about to start)."""

from __future__ import annotations

import errno
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from vendorwatch.errors import VendorwatchError


def check_port_free(host: str, port: int) -> None:
    """A one-line error if something already listens on ``host:port`` (say, another
    ``vendorwatch serve``), before the warehouse is built rather than after."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise VendorwatchError(f"--host {host!r}: {error.strerror}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno in (errno.EADDRINUSE, errno.EACCES):
                why = "is in use" if error.errno == errno.EADDRINUSE else "needs privileges"
                raise VendorwatchError(
                    f"port {port} on {host} {why} (another `vendorwatch serve`?); "
                    f"choose another with --port, e.g. --port {port + 1}"
                ) from None
            raise VendorwatchError(f"cannot listen on {host}:{port}: {error.strerror}") from None


def announce_when_answering(
    host: str, port: int, say: Callable[[str], None], stop: threading.Event
) -> threading.Thread:
    """A thread that polls ``/healthz`` and calls ``say`` once it answers 200."""
    probe_host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)  # noqa: S104
    shown = f"[{probe_host}]" if ":" in probe_host else probe_host
    url = f"http://{shown}:{port}/healthz"

    def poll() -> None:
        while not stop.is_set():
            try:
                with urllib.request.urlopen(url, timeout=2) as answer:
                    if answer.status == 200:
                        say(f"ready: http://{host}:{port}/ answers  (Ctrl-C stops)")
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)

    thread = threading.Thread(target=poll, name="announce-ready", daemon=True)
    thread.start()
    return thread
