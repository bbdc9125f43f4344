"""The library audit: holdings and usage files in, an exposure report out.

``audit_files([(name, bytes), ...], con=...)`` reads KBART, COUNTER 5/5.1 (TSV, CSV, XLSX,
JSON) and generic CSV/XLSX lists in memory, matches every row to the registry and returns an
`AuditReport`; `render_audit(report, "html"|"pdf"|"csv"|"json")` gives the document's bytes.
"""

from vendorwatch.audit.limits import Limits
from vendorwatch.audit.readers import read_holdings
from vendorwatch.audit.render import FORMATS, render_audit, write_audit
from vendorwatch.audit.report import AuditReport, audit_files, audit_paths

__all__ = [
    "FORMATS",
    "AuditReport",
    "Limits",
    "audit_files",
    "audit_paths",
    "read_holdings",
    "render_audit",
    "write_audit",
]
