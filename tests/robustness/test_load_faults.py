"""Faults around `vendorwatch load` in real processes: Ctrl-C, a full disk, readers during a
load, a read-only warehouse. Each ends in one clear line (or in serving), never a traceback,
and the published warehouse as it was."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import vendorwatch
from tests import crash
from tests.robustness import warehouses
from tests.robustness.loadcases import plain
from tests.robustness.runcli import cli, state
from tests.warehouse.helpers import real_files
from vendorwatch.build import build_warehouse, ensure_current
from vendorwatch.settings import get_settings

versioned_sample = warehouses.versioned_sample  # the fixture, for this module


def _one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and "FATAL" not in stderr
    return lines[0]


def test_ctrl_c_while_reading_exits_130_and_changes_nothing(
    raw_data: Path, tmp_path: Path, versioned_sample: Path
) -> None:
    """A real SIGINT while DuckDB reads the file in its worker thread (it used to end in
    chained exceptions and `FATAL: exception not rethrown`, exit 134)."""
    built = plain(tmp_path, raw_data)
    before = state(versioned_sample)
    ran = crash.run(
        "reading-started=sigint", "load", str(built.path), "--warehouse", str(versioned_sample)
    )
    assert ran.returncode == 130, ran.stderr
    assert "interrupted; nothing changed" in _one_line(ran.stderr)
    assert state(versioned_sample) == before


@pytest.mark.parametrize("inject", ["copy=enospc", "before-commit=enospc-duckdb"])
def test_a_full_disk_says_so_and_changes_nothing(
    raw_data: Path, tmp_path: Path, versioned_sample: Path, inject: str
) -> None:
    """Copying the published version, or DuckDB writing the new one: "disk is full" and that
    nothing changed, not DuckDB's follow-up "cannot rollback - no transaction is active"."""
    built = plain(tmp_path, raw_data)
    before = state(versioned_sample)
    ran = cli("load", str(built.path), "--warehouse", str(versioned_sample), inject=inject)
    assert ran.status == 1, ran
    (line,) = ran.lines
    assert "the disk is full (no space left on device)" in line
    assert "nothing changed" in line
    assert "rollback" not in line
    assert state(versioned_sample) == before


@pytest.fixture
def small_disk() -> Iterator[Path]:
    """A 6 MiB tmpfs (root only: CI without root skips this; the fault hooks above still run)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root")
    folder = Path(tempfile.mkdtemp(prefix="vw-small-disk-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(folder)], check=False
    )
    if mounted.returncode != 0:
        folder.rmdir()
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)
        folder.rmdir()


def test_a_really_full_disk(raw_data: Path, small_disk: Path) -> None:
    link = small_disk / "warehouse.duckdb"
    files = real_files(raw_data)
    build_warehouse(link, [files["subawards"]])
    before = state(link)
    ran = cli("load", str(files["FY2025"]), str(files["FY2024"]), "--warehouse", str(link))
    assert ran.status == 1, ran
    (line,) = ran.lines
    assert "the disk is full" in line and "nothing changed" in line, line
    assert state(link) == before
    assert not list((small_disk / "warehouse.duckdb.versions").glob("*.building*"))


def test_readers_during_a_load_answer(
    raw_data: Path, tmp_path: Path, versioned_sample: Path
) -> None:
    """`audit` and `foia draft` while a load holds the writer's lock and its new version is
    half-built (paused just before COMMIT): they read the published version, no traceback."""
    built = plain(tmp_path, raw_data, 401)  # content no other test loads
    signals = tmp_path / "signals"
    signals.mkdir()
    writer = subprocess.Popen(
        crash.command(
            f"before-commit=pause:{signals}",
            "load",
            str(built.path),
            "--warehouse",
            str(versioned_sample),
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 300
        while not (signals / "reached").exists():
            assert writer.poll() is None, writer.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.1)
        kbart = next(raw_data.glob("kbart/*.txt"))
        audit = cli("audit", str(kbart), "--warehouse", str(versioned_sample))
        draft = cli(
            "foia", "draft", "--agency", "cbp", "--name", "Ana Example",
            "--award", "70B06C20F00001261", "--warehouse", str(versioned_sample),
            "-o", str(tmp_path / "request.docx"),
        )  # fmt: skip
    finally:
        (signals / "go").touch()
        out, err = writer.communicate(timeout=600)
    for ran in (audit, draft):
        assert ran.status == 0, ran
        assert "Traceback" not in ran.out + ran.err
    assert (tmp_path / "request.docx").stat().st_size > 0
    assert writer.returncode == 0, err
    assert f"loaded {built.path}" in " ".join(out.split())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _child_env(home: Path) -> dict[str, str]:
    """The environment for a child run elsewhere: this checkout's vendorwatch, a home of its own."""
    source = str(Path(vendorwatch.__file__).resolve().parents[1])
    return {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home), "PYTHONPATH": source}


def _as_reader() -> dict[str, object]:
    """Run a child as someone who cannot write the warehouse: nobody, when the tests run as
    root (root ignores file modes); else the current user, the modes apply."""
    return {"user": 65534, "group": 65534, "extra_groups": []} if os.geteuid() == 0 else {}


@pytest.fixture
def read_only_copy(versioned_sample: Path) -> Iterator[Path]:
    """The sample warehouse in a folder no one may write, with a changed registry beside it
    (so that its derived data is stale and a reader would like to rebuild it)."""
    folder = Path(tempfile.mkdtemp(prefix="vw-read-only-"))
    shutil.copytree(versioned_sample.parent, folder / "w", symlinks=True)
    registry = folder / "registry"
    shutil.copytree(Path(__file__).parents[2] / "src/vendorwatch/registry/data", registry)
    with (registry / "sources.yaml").open("a") as handle:
        handle.write("\n# a local note: the registry changed\n")
    for path in (folder, *folder.rglob("*")):
        if not path.is_symlink():
            path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        yield folder
    finally:
        for path in (folder, *folder.rglob("*")):
            if not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(folder)


def test_serve_serves_a_read_only_warehouse(read_only_copy: Path) -> None:
    link = read_only_copy / "w" / "warehouse.duckdb"
    port = _free_port()
    env = _child_env(read_only_copy)
    command = [
        sys.executable, "-m", "vendorwatch", "--registry", str(read_only_copy / "registry"),
        "serve", "--warehouse", str(link), "--port", str(port), "--no-warm",
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=read_only_copy,
        **_as_reader(),  # type: ignore[arg-type]
    )
    try:
        deadline = time.monotonic() + 300
        while True:
            assert process.poll() is None, process.communicate()[0]
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=30).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "serve did not come up"
            time.sleep(0.5)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=120)
    assert "Traceback" not in output
    assert output.count("cannot rebuild") <= 2  # said once (console and log), not every 5 s
    assert "rebuilt families and facts" not in output  # nothing was rebuilt


def test_ensure_current_reads_a_read_only_warehouse_as_it_is(read_only_copy: Path) -> None:
    link = read_only_copy / "w" / "warehouse.duckdb"
    before = state(link)
    if os.geteuid() == 0:  # root may write anything: ask as nobody, in a child
        code = (
            "import sys; from pathlib import Path; from vendorwatch.build import ensure_current;"
            "from vendorwatch.settings import get_settings;"
            f"get_settings().registry = Path({str(read_only_copy / 'registry')!r});"
            f"print(ensure_current(Path({str(link)!r}), wait=5))"
        )
        ran = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=False,
            cwd=read_only_copy,
            env=_child_env(read_only_copy),
            **_as_reader(),  # type: ignore[arg-type]
        )
        assert ran.returncode == 0, ran.stderr
        assert ran.stdout.strip() == "[]"
    else:
        settings = get_settings()
        kept, settings.registry = settings.registry, read_only_copy / "registry"
        try:
            assert ensure_current(link, wait=5) == []
        finally:
            settings.registry = kept
    assert state(link) == before
