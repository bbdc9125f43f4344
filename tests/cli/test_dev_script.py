"""``scripts/dev.py``: usage without installing anything; two hash-checked locks."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def dev(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a copy of the script in an empty checkout: whatever it installs would show there."""
    (tmp_path / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "dev.py", tmp_path / "scripts" / "dev.py")
    return subprocess.run(
        [sys.executable, str(tmp_path / "scripts" / "dev.py"), *args],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip


def test_help_and_unknown_jobs_print_usage_and_install_nothing(tmp_path: Path) -> None:
    shown = dev(tmp_path / "a", "--help")
    assert shown.returncode == 0, shown.stderr
    assert "usage: python3 scripts/dev.py JOB" in shown.stdout
    assert "--port PORT" in shown.stdout and "serve --port 8001" in shown.stdout
    assert not (tmp_path / "a" / ".venv").exists()

    unknown = dev(tmp_path / "b", "unknown")
    assert unknown.returncode == 2
    assert "unknown job 'unknown'" in unknown.stderr and "usage:" in unknown.stderr
    assert not (tmp_path / "b" / ".venv").exists()


def _pins(lock: Path) -> dict[str, str]:
    text = lock.read_text("utf-8")
    return dict(re.findall(r"^([a-z0-9][a-z0-9._-]*)==(\S+)", text, flags=re.MULTILINE))


def test_locks_have_hashes_and_the_runtime_one_is_the_dev_one_minus_the_tools() -> None:
    runtime, dev_lock = ROOT / "requirements.lock", ROOT / "requirements-dev.lock"
    for lock in (runtime, dev_lock):
        blocks = re.split(r"\n(?=[a-z0-9])", lock.read_text("utf-8").split("\n", 2)[2])
        pinned = [b for b in blocks if "==" in b.split("\n")[0]]
        assert pinned and all("--hash=sha256:" in b for b in pinned), lock.name
    pins, dev_pins = _pins(runtime), _pins(dev_lock)
    assert all(dev_pins.get(name) == version for name, version in pins.items())
    for tool in ("pytest", "mypy", "playwright", "schemathesis"):
        assert tool in dev_pins and tool not in pins
    for needed in ("duckdb", "fastapi", "uvicorn", "defusedxml", "pypdfium2"):
        assert needed in pins
