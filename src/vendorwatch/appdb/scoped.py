"""One member's access to one organisation's rows: the role checks and the scoped lookup that
`vendorwatch.foia.tracker.Tracker` and `vendorwatch.outreach.letters.Outreach` share.

Every lookup filters by the organisation, and a row of another organisation is reported in
the same words as one that does not exist (the web answers 404 to both).
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorwatch.appdb.accounts import Organisation, Role, User, require_role
from vendorwatch.errors import VendorwatchError

RowT = TypeVar("RowT")


class OrgScoped:
    """Built for one user in one organisation: at least a viewer, or `AccessDenied`."""

    def __init__(self, session: Session, user: User, org: Organisation) -> None:
        self.session = session
        self.user = user
        self.org = org
        self.role = require_role(session, user, org, Role.VIEWER)

    def _write(self) -> None:
        require_role(self.session, self.user, self.org, Role.EDITOR)

    def _one(self, model: type[RowT], row_id: int, what: str) -> RowT:
        """The organisation's row ``row_id`` of ``model`` (a mapped class with ``id`` and
        ``organisation_id`` columns); ``what`` names it in the error."""
        table: Any = model  # its columns, which no protocol states to mypy as columns
        found = self.session.scalar(
            select(model).where(table.id == row_id, table.organisation_id == self.org.id)
        )
        if found is None:
            # The same words whether it does not exist or belongs to someone else.
            raise VendorwatchError(f"no {what} #{row_id} in {self.org.slug!r}")
        return found
