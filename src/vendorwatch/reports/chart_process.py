"""Charts drawn in a child process, for the long-running site.

vl-convert runs a JavaScript engine inside the process that calls it: ~60 MB resident after
the first chart and ~90 MB after twenty, kept for the life of the process. The site draws
charts once per warehouse version (the home page, the watched families' dossiers), so it
hands them to one child (``python -m vendorwatch.reports.chart_process``) that holds the
engine instead; the command line keeps drawing in process. One spec per line on the child's
stdin, one JSON answer per line on its stdout.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from typing import Any

from vendorwatch.errors import VendorwatchError


class ChartProcess:
    """One child that draws charts, started on first use, restarted if it died."""

    def __init__(self, timeout: float = 60.0) -> None:
        self._lock = threading.Lock()
        self._child: subprocess.Popen[str] | None = None
        self.timeout = timeout  # seconds one chart may take before its child is killed

    def _started(self) -> subprocess.Popen[str]:
        child = self._child
        if child is None or child.poll() is not None:
            child = self._child = subprocess.Popen(
                [sys.executable, "-m", "vendorwatch.reports.chart_process"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                bufsize=1,
            )
        return child

    @property
    def pid(self) -> int | None:
        """The drawing child's process id, while one runs (for an operator, and the tests)."""
        child = self._child
        return child.pid if child is not None and child.poll() is None else None

    def svg(self, spec: dict[str, Any]) -> str:
        """The spec's SVG, drawn by the child (one chart at a time, as vl-convert does)."""
        with self._lock:
            for attempt in (1, 2):  # a child that died (killed, out of memory) is replaced
                child = self._started()
                assert child.stdin is not None and child.stdout is not None
                # A child that hangs is killed, so that no page waits on it for good.
                expired = threading.Event()
                watchdog = threading.Timer(self.timeout, _expire, (child, expired))
                watchdog.start()
                try:
                    child.stdin.write(json.dumps(spec) + "\n")
                    child.stdin.flush()
                    line = child.stdout.readline()
                except (BrokenPipeError, OSError):
                    line = ""
                finally:
                    watchdog.cancel()
                if expired.is_set():
                    child.wait()
                    raise VendorwatchError(
                        f"drawing a chart took more than {self.timeout:g} s; its process was "
                        "stopped (the next chart starts a new one)"
                    )
                if line:
                    answer = json.loads(line)
                    if "error" in answer:
                        raise VendorwatchError(f"could not draw a chart: {answer['error']}")
                    return str(answer["svg"])
                child.kill()
                child.wait()
                if attempt == 2:
                    raise VendorwatchError("the chart process stopped; try again")
        raise AssertionError("unreachable")

    def close(self) -> None:
        with self._lock:
            child, self._child = self._child, None
        if child is not None and child.poll() is None:
            assert child.stdin is not None
            child.stdin.close()  # the child ends at the end of its input
            try:
                child.wait(timeout=5)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def _expire(child: subprocess.Popen[str], expired: threading.Event) -> None:
    expired.set()
    child.kill()


def main() -> None:
    """The child: draw each spec read from stdin until its end."""
    import vl_convert  # noqa: PLC0415 - the child's only heavy import

    for line in sys.stdin:
        try:
            answer = {"svg": vl_convert.vegalite_to_svg(json.loads(line))}
        except Exception as exc:  # noqa: BLE001 - said to the parent, which raises it
            answer = {"error": str(exc)}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
