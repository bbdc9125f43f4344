"""An award's corrections and deletions, in words: what changed, when, and which files said so.

Every version of a transaction key stays in the warehouse (`vendorwatch.warehouse.versions`);
the figures count only the latest. This tells the rest: for each key of the award whose
amount was corrected ("corrected on 3 March 2025: was $1,001.25, now $901.25"), deleted
("deleted on 4 March 2025") or listed again after a deletion, with the earlier version's and
the later version's source (file and row).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from vendorwatch.analysis.lazy import ibis, ir
from vendorwatch.analysis.prepared import Builder, Prepared
from vendorwatch.formatting import day, money
from vendorwatch.warehouse.versions import DELETED


@dataclass(frozen=True)
class Source:
    file: str
    row: int
    sha256: str

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "row": self.row, "sha256": self.sha256}


@dataclass(frozen=True)
class Correction:
    kind: str  # corrected | deleted | reinstated
    transaction_key: str
    modification_number: str | None
    on: date  # the later version's last_modified_date (the day it was loaded, if none)
    was: Decimal | None  # the amount before (None: it was deleted, or had none)
    now: Decimal | None  # the amount after (None: deleted)
    source: Source  # the later version's row
    earlier: Source  # the version it replaced

    @property
    def sentence(self) -> str:
        mod = f"modification {self.modification_number}" if self.modification_number else "action"
        tail = f"; source {self.source.file} row {self.source.row}"
        if self.kind == "deleted":
            return f"{mod} deleted on {day(self.on)} (was {money(self.was)}){tail}"
        if self.kind == "reinstated":
            return (
                f"{mod} listed again on {day(self.on)} after its deletion: {money(self.now)}{tail}"
            )
        return (
            f"{mod} corrected on {day(self.on)}: was {money(self.was)}, now {money(self.now)}{tail}"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "transaction_key": self.transaction_key,
            "modification_number": self.modification_number,
            "on": self.on.isoformat(),
            "was": f"{self.was:.2f}" if self.was is not None else None,
            "now": f"{self.now:.2f}" if self.now is not None else None,
            "source": self.source.as_dict(),
            "earlier": self.earlier.as_dict(),
            "sentence": self.sentence,
        }


def _versions_of(con: Any) -> Builder:
    """Every version of the award's transaction keys with the day each was said, oldest
    first per key: the rule of `vendorwatch.warehouse.versions`, as an Ibis expression so that
    it runs on every engine."""

    def build(_facts: ir.Table, award: ir.Scalar) -> ir.Table:
        t = con.table("transactions")
        files = con.table("source_files").select(
            _sha="sha256", _loaded="loaded_at", file_name="file_name"
        )
        keys = t.filter(t.contract_award_unique_key == award).contract_transaction_unique_key
        own = t.filter(
            t.contract_transaction_unique_key.notnull()
            & t.contract_transaction_unique_key.isin(keys)
        )
        own = own.join(files, own.source_sha256 == files._sha)
        said_on = own.last_modified_date.fill_null(own._loaded.cast("date"))
        newest_first = ibis.window(
            group_by=own.contract_transaction_unique_key,
            order_by=[said_on.desc(), own._loaded.desc(), own.source_sha256, own.source_row],
        )
        ranked = own.select(
            key=own.contract_transaction_unique_key,
            mod=own.modification_number,
            amount=own.federal_action_obligation,
            deleted=own.correction_delete_ind.fill_null("") == DELETED,
            on=said_on,
            file=own.file_name,
            source_row=own.source_row,
            sha=own.source_sha256,
            rank=ibis.row_number().over(newest_first),
        )
        return ranked.order_by([ranked.key, ranked.rank.desc()])

    return build


def corrections_of(con: Any, award_key: str) -> list[Correction]:
    """The award's corrections and deletions, oldest first (empty: every key has one version,
    or only exact repeats). ``con`` is the analysis connection, on either engine."""
    found = Prepared(con).records("award:versions", _versions_of(con), award=award_key)
    rows = [
        (r["key"], r["mod"], r["amount"], r["deleted"], r["on"], r["file"], r["source_row"],
         r["sha"])
        for r in found
    ]  # fmt: skip
    out: list[Correction] = []
    previous: tuple[Any, ...] | None = None
    for row in rows:
        key, mod, amount, deleted, on, file, source_row, sha = row
        if previous is not None and previous[0] == key:
            was_deleted, was = previous[3], previous[2]
            kind = (
                "deleted"
                if deleted and not was_deleted
                else "reinstated"
                if was_deleted and not deleted
                else "corrected"
                if not deleted and amount != was
                else None
            )
            if kind is not None:
                out.append(
                    Correction(
                        kind=kind,
                        transaction_key=key,
                        modification_number=mod or previous[1],
                        on=on,
                        was=None if was_deleted else was,
                        now=None if deleted else amount,
                        source=Source(file, source_row, sha),
                        earlier=Source(previous[5], previous[6], previous[7]),
                    )
                )
        previous = row
    return sorted(out, key=lambda c: (c.on, c.transaction_key))
