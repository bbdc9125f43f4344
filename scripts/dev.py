#!/usr/bin/env python3
"""One-command setup: a virtual environment, the locked dependencies, then the job.

    python3 scripts/dev.py serve   # set up, build the warehouse from ../shared/data/raw, serve
    python3 scripts/dev.py test    # set up, then ruff, mypy and the whole test suite

Needs only Python 3.11+. Dependencies come from requirements.lock (made by
``uv pip compile``; refresh with ``python3 scripts/dev.py lock``); plain pip installs them.
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
LOCK = ROOT / "requirements.lock"
STAMP = VENV / ".vendorwatch-installed"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def run(*args: str | Path, **kwargs: object) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    result = subprocess.run([str(a) for a in args], cwd=ROOT, check=False, **kwargs)  # type: ignore[call-overload]
    if result.returncode != 0:
        raise SystemExit(result.returncode)


def setup() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script is what tells old Pythons
        raise SystemExit(f"vendorwatch needs Python 3.11+, not {sys.version.split()[0]}")
    if not (BIN / "python").exists():
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256(LOCK.read_bytes() + (ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    pip = [BIN / "python", "-m", "pip", "--disable-pip-version-check", "--quiet"]
    run(*pip, "install", "-r", LOCK)
    run(*pip, "install", "--no-deps", "-e", ".")
    STAMP.write_text(wanted)


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


def main(argv: list[str]) -> None:
    job = argv[0] if argv else "serve"
    rest = argv[1:]
    if job == "lock":
        setup()
        run(
            BIN / "python",
            "-m",
            "uv",
            "pip",
            "compile",
            "pyproject.toml",
            "--extra",
            "dev",
            "--universal",
            "--python-version",
            "3.11",
            "-o",
            LOCK,
            "--quiet",
        )
        return
    setup()
    if job == "serve":
        run(BIN / "vendorwatch", "serve", "--sample", *rest)
    elif job == "test":
        code = [d for d in ("src", "tests", "benchmarks", "scripts") if (ROOT / d).is_dir()]
        run(BIN / "ruff", "check", *code)
        run(BIN / "ruff", "format", "--check", *code)
        run(BIN / "mypy")
        run(BIN / "python", "-m", "pytest", *rest, env=test_environment())
    else:
        raise SystemExit(f"unknown job {job!r}; use serve or test (or lock)")


if __name__ == "__main__":
    main(sys.argv[1:])
