"""vendorwatch's one settings object, with defaults that work offline.

Each value comes from, in order of precedence: a command-line flag (the CLI writes it into
`get_settings()`), the environment (``VENDORWATCH_<NAME>``, e.g. ``VENDORWATCH_WAREHOUSE``,
``VENDORWATCH_SMTP_HOST``), the settings file (TOML: ``--config FILE``, else
``vendorwatch.toml`` in the user config folder, e.g. ``~/.config/vendorwatch/``), the default.
The library takes what it needs from here; nothing else reads the environment.
This class is the one source of the fields: `vendorwatch.lightsettings`, which reads the same
values without pydantic-settings for the commands that only read, derives its table from
``Settings.model_fields`` (once per version of this code, cached). A new setting is one field
here; a type or constraint the light reader does not know is simply left to this class.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from vendorwatch import lightsettings

# The defaults are worked out in the light reader, so that both read the same.
API_BASE = lightsettings.API_BASE
_default_warehouse = lightsettings.default_warehouse
find_sample_data = lightsettings.find_sample_data
default_config_file = lightsettings.default_config_file


class SmtpSettings(BaseModel):
    """The mail server alerts are sent through (``smtp_*`` settings)."""

    host: str | None = None
    port: int = 25
    sender: str = "vendorwatch@localhost"
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    ssl: bool = False  # SMTP over TLS from the first byte (port 465)
    timeout: float = 30.0


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=lightsettings.PREFIX.upper(), extra="forbid")

    warehouse: Path = Field(
        default_factory=_default_warehouse,
        description="The DuckDB file holding public data; rebuildable from sources.",
    )
    app_database_url: str = Field(
        default_factory=lightsettings.default_app_database_url,
        description="The app database (user data: FOIA requests, accounts); never rebuilt.",
    )
    sample_data: Path | None = Field(
        default_factory=find_sample_data,
        description="Folder of real public data that `serve --sample` loads.",
    )
    registry: Path | None = Field(
        default=None,
        description="Folder of curated registry YAML; None: the registry shipped in the package.",
    )
    write_wait: float = Field(
        default=0.0,
        ge=0,
        description="Seconds a load or sync waits for another writer before refusing.",
    )
    write_memory_limit: str = Field(
        default="1GB",
        description="DuckDB's memory limit while a load, sync or rebuild writes a new version; "
        "beyond it DuckDB spills to a temporary folder beside the version (DuckDB's own default "
        "is 80% of the machine's memory).",
    )
    # What `load` reads of one file (vendorwatch.warehouse.recordcount), checked as it streams.
    load_max_decompressed_bytes: int = Field(
        default=64 << 30,
        ge=1,
        description="Bytes a file may hold once decompressed; larger is refused (a gzip bomb).",
    )
    load_max_compression_ratio: float = Field(
        default=200.0,
        gt=1,
        description="A compressed file holding more than this many times its size (past the "
        "first 64 MiB) is refused as a bomb; real CSV compresses 5-20 times.",
    )
    load_max_line_bytes: int = Field(
        default=8 << 20,
        ge=1024,
        description="Longest line `load` reads (DuckDB's max_line_size too).",
    )
    api_base: str = Field(default=API_BASE, description="The USAspending API `sync` asks.")
    ocid_prefix: str | None = Field(
        default=None, description="OCDS exports: your registered OCID prefix (ocds-xxxxxx)."
    )
    session_secret: str = Field(
        default="",
        description="Signs the FOIA tracker's session cookies; empty: a new secret per start.",
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
    cube_retry_seconds: float = Field(
        default=30.0,
        ge=0,
        description="After the browse aggregate fails to build, how long the site answers "
        "browse from the facts before it tries to build it again.",
    )
    # Issue 15: which engine answers the analysis (vendorwatch.analysis.spark).
    engine: Literal["duckdb", "spark"] = Field(
        default="duckdb", description="Analysis engine: the DuckDB file, or Spark over Parquet."
    )
    spark_master: str = Field(
        default="local[2]", description="Spark master URL (spark://host:7077 on a cluster)."
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
    # Released FOIA records (vendorwatch.foia.records): where their files are kept and how big
    # one may be. None: a folder ``<name>-records`` beside a SQLite app database; inside the
    # database (table record_blobs) for PostgreSQL.
    records_dir: Path | None = Field(
        default=None, description="Folder for released records' files (see docs/foia.md)."
    )
    records_max_bytes: int = Field(
        default=50 * 1024 * 1024, ge=1, description="Largest record file accepted, in bytes."
    )
    # Limits on what a visitor controls (vendorwatch.limits), checked before the work starts;
    # the error states the limit. The audit_* limits apply to the command line's `audit` too.
    query_max_words: int = Field(default=20, ge=1, description="Words in one search or `q`.")
    query_max_chars: int = Field(default=300, ge=1, description="Characters in one query.")
    facet_max_values: int = Field(
        default=50, ge=1, description="Facet values chosen in one browse request, all facets."
    )
    page_max_size: int = Field(default=500, ge=1, description="Rows in one page of a listing.")
    page_max_offset: int = Field(
        default=100_000, ge=0, description="How far into a listing a page may start (rows)."
    )
    request_max_bytes: int = Field(
        default=1024 * 1024, ge=1, description="Body of any request but an audit upload."
    )
    upload_max_bytes: int = Field(
        default=50 * 1024 * 1024,
        ge=1,
        description="Body of one audit upload (all its files), held in memory, never on disk.",
    )
    audit_max_file_bytes: int = Field(default=50 * 1024 * 1024, ge=1)
    audit_max_total_bytes: int = Field(default=200 * 1024 * 1024, ge=1)
    audit_max_files: int = Field(default=20, ge=1)
    audit_max_unpacked_bytes: int = Field(
        default=100 * 1024 * 1024,
        ge=1,
        description="A file's size once unpacked (gzip; an XLSX workbook's parts together).",
    )
    audit_max_rows: int = Field(default=500_000, ge=1, description="Rows (lines) of one file.")
    audit_max_shared_strings: int = Field(
        default=1_000_000, ge=1, description="Distinct texts in one XLSX workbook."
    )
    audit_max_seconds: float = Field(
        default=60.0, gt=0, description="Time budget for reading one file."
    )
    # Audit reports kept in memory for their visitor's downloads (vendorwatch.web.held).
    audit_keep_seconds: float = Field(
        default=1800.0, gt=0, description="How long an audit report is held for its downloads."
    )
    audit_keep_reports: int = Field(default=50, ge=1, description="Audit reports held at once.")
    audit_keep_bytes: int = Field(
        default=100 * 1024 * 1024, ge=1, description="Bytes of held audit reports (JSON + CSV)."
    )
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_sender: str = "vendorwatch@localhost"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    smtp_timeout: float = 30.0

    @property
    def smtp(self) -> SmtpSettings:
        fields = SmtpSettings.model_fields
        return SmtpSettings(**{name: getattr(self, f"smtp_{name}") for name in fields})

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=lightsettings.config_file()),
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings, read once per process; a bad file or value is one clear error."""
    from pydantic import ValidationError  # noqa: PLC0415

    from vendorwatch.errors import VendorwatchError  # noqa: PLC0415

    try:
        settings = Settings()
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"])
        raise VendorwatchError(
            f"setting {where!r}: {problem['msg']} (from VENDORWATCH_{where.upper()} or "
            f"{lightsettings.config_file()})"
        ) from None
    except ValueError as exc:  # tomllib.TOMLDecodeError
        raise VendorwatchError(f"{lightsettings.config_file()}: not valid TOML: {exc}") from None
    for name, value in lightsettings.take_overrides().items():  # flags given before
        setattr(settings, name, value)
    return settings


def use_config_file(path: Path) -> Settings:
    """Read settings from ``path`` (``--config``) instead of the default file."""
    lightsettings.use_config_file(path)
    return get_settings()
