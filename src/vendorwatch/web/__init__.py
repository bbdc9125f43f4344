"""The site and JSON API: a thin shell over `vendorwatch.analysis` (no logic of its own)."""

from vendorwatch.web.app import create_app

__all__ = ["create_app"]
