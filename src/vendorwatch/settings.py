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
    # The site (vendorwatch.web.state): worker threads, each with a read-only cursor.
    query_threads: int = Field(default=4, ge=1, description="Worker threads answering requests.")
    request_time_limit: float = Field(
        default=10.0, gt=0, description="Seconds a request may run before it is interrupted."
    )
    snapshot_check_seconds: float = Field(
        default=1.0, ge=0, description="How often the site looks for a new warehouse version."
    )
    duckdb_memory_limit: str = Field(
        default="256MB", description="DuckDB's memory limit for the site's snapshot."
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
