"""Settings from the environment (prefix ``VENDORWATCH_``) with defaults that work offline."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from platformdirs import user_data_path
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_warehouse() -> Path:
    return user_data_path("vendorwatch", appauthor=False) / "warehouse.duckdb"


def find_sample_data() -> Path | None:
    """The bundled real snapshot: ``../shared/data/raw`` beside the checkout or the cwd."""
    here = Path(__file__).resolve()
    candidates = [Path.cwd() / ".." / "shared" / "data" / "raw"]
    candidates += [parent.parent / "shared" / "data" / "raw" for parent in here.parents]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate.resolve()
    return None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VENDORWATCH_")

    warehouse: Path = Field(
        default_factory=_default_warehouse,
        description="The DuckDB file holding public data; rebuildable from sources.",
    )
    app_database_url: str = Field(
        default_factory=lambda: f"sqlite:///{_default_warehouse().parent / 'app.sqlite3'}",
        description="The app database (user data: FOIA requests, accounts); never rebuilt.",
    )
    sample_data: Path | None = Field(
        default_factory=find_sample_data,
        description="Folder of real public data loaded on first `serve`.",
    )
    # Login throttling on the FOIA tracker (vendorwatch.web.throttle): failed sign-ins allowed
    # per account and per client within the window, then refused with "try again in N s".
    login_attempts_per_account: int = Field(default=5, ge=1)
    login_attempts_per_client: int = Field(default=20, ge=1)
    login_window_seconds: int = Field(default=900, ge=1)
    login_throttle_storage: str = Field(
        default="memory://",
        description="A `limits` storage URL; several workers need a shared one: appdb:// (the "
        "app database), redis://….",
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
