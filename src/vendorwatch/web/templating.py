"""Jinja2 for the site: its own templates first, then the shared report templates."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape

from vendorwatch.formatting import FILTERS, plural

_env = Environment(
    loader=ChoiceLoader(
        [
            PackageLoader("vendorwatch.web", "templates"),
            PackageLoader("vendorwatch.reports", "templates"),
        ]
    ),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters.update(FILTERS)  # $1.2B, 23,461, 1 December 2026: vendorwatch.formatting
_env.globals["plural"] = plural
_env.globals["urlencode"] = lambda pairs: urlencode(pairs, doseq=True)

templates = Jinja2Templates(env=_env)
