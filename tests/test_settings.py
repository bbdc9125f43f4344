"""One settings object: flag over environment over file over default; bad input is one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from vendorwatch.errors import VendorwatchError
from vendorwatch.settings import Settings, get_settings, use_config_file


def _status(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "vendorwatch", *args],
        capture_output=True, text=True, check=False, env={**os.environ, **(env or {})},
    )  # fmt: skip


def test_file_then_environment_then_flag(tmp_path: Path) -> None:
    config = tmp_path / "vendorwatch.toml"
    config.write_text(f'warehouse = "{tmp_path / "from-file.duckdb"}"\nsmtp_port = 2525\n')
    shown = _status("--config", str(config), "status")
    assert shown.returncode == 1
    assert f"no warehouse at {tmp_path / 'from-file.duckdb'}" in " ".join(shown.stderr.split())

    env = {"VENDORWATCH_WAREHOUSE": str(tmp_path / "from-env.duckdb")}
    shown = _status("--config", str(config), "status", env=env)
    assert f"no warehouse at {tmp_path / 'from-env.duckdb'}" in " ".join(shown.stderr.split())

    flag = tmp_path / "from-flag.duckdb"
    shown = _status("--config", str(config), "status", "--warehouse", str(flag), env=env)
    assert f"no warehouse at {flag}" in " ".join(shown.stderr.split())

    try:
        settings = use_config_file(config)
        assert settings.smtp.port == 2525  # nested view of the smtp_* settings
        assert settings.warehouse == tmp_path / "from-file.duckdb"
    finally:
        from vendorwatch import lightsettings

        lightsettings.use_config_file(None)  # the default file again
        get_settings.cache_clear()


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("warehous = 3\n", "setting 'warehous': Extra inputs are not permitted"),
        ("smtp_port = 'twenty'\n", "setting 'smtp_port'"),
        ("warehouse = [\n", "not valid TOML"),
    ],
)
def test_a_bad_settings_file_is_one_clear_line(tmp_path: Path, text: str, said: str) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(text)
    shown = _status("--config", str(config), "status")
    assert shown.returncode == 1
    assert said in shown.stderr
    assert str(config) in shown.stderr
    assert "Traceback" not in shown.stderr
    assert len(shown.stderr.strip().splitlines()) == 1


def test_a_missing_config_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(VendorwatchError, match="no such file"):
        use_config_file(tmp_path / "nope.toml")
    assert isinstance(get_settings(), Settings)
