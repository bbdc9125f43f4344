"""The app each process of ``vendorwatch serve --workers N`` builds.

uvicorn starts N processes that each import an application factory; they share nothing but
the listening socket and the published warehouse version, which each opens read-only (and
swaps, warms and caches on its own). The parent hands its flags down in the environment:
the warehouse as the setting ``VENDORWATCH_WAREHOUSE``, and the two serve flags below.
"""

from __future__ import annotations

import logging
import os

from fastapi import FastAPI

from vendorwatch.settings import get_settings
from vendorwatch.web.app import create_app
from vendorwatch.web.security import configure_logging

LOG_IPS = "VENDORWATCH_SERVE_LOG_IPS"
WARM = "VENDORWATCH_SERVE_WARM"


def handed_down(*, log_ips: bool, warm: bool) -> dict[str, str]:
    """The environment a worker reads its serve flags from."""
    return {LOG_IPS: "1" if log_ips else "0", WARM: "1" if warm else "0"}


def app() -> FastAPI:
    """One worker's site over the warehouse the parent serves."""
    configure_logging(logging.INFO)  # each process logs JSON lines, as the parent does
    return create_app(
        get_settings().warehouse,
        log_ips=os.environ.get(LOG_IPS) == "1",
        warm=os.environ.get(WARM, "1") == "1",
    )
