"""Was an award competed? The flag, and the rule that set it, from ``extent_competed_code``.

The rule is data (``competition_rules.yaml``); a code the list does not know, a blank code,
or a layout without the field (the API export) gives "unknown", never a guess.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

from pydantic import BaseModel

from vendorwatch.analysis.lazy import ir
from vendorwatch.yamlload import safe_load


class Competed(StrEnum):
    COMPETED = "competed"
    NOT_COMPETED = "not competed"
    UNKNOWN = "unknown"


class CodeRule(BaseModel):
    meaning: str
    competed: bool


class TrendRule(BaseModel):
    min_years: int
    min_awards: int
    flat_points_per_year: float


class CompetitionRules(BaseModel):
    source: str
    codes: dict[str, CodeRule]
    solicitation_source: str
    solicitation_procedures: dict[str, str]
    trend: TrendRule


@cache
def rules() -> CompetitionRules:
    text = resources.files(__package__).joinpath("competition_rules.yaml").read_text("utf-8")
    return CompetitionRules.model_validate(safe_load(text))


@dataclass(frozen=True)
class CompetitionFlag:
    status: Competed
    rule: str  # why, in words a reader can check against the record
    extent_competed_code: str | None
    sole_source_reason: str | None = None
    offers_received: int | None = None
    single_offer: bool = False  # competed, but only one offer came in
    source: str | None = None  # which record said it: transactions, award summary, award detail

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "status": self.status.value}


def _decide(code: str | None, layout_has_field: bool) -> tuple[Competed, str, str | None]:
    if not layout_has_field:
        return Competed.UNKNOWN, "the source layout has no extent_competed field", None
    if code is None or not code.strip():
        return Competed.UNKNOWN, "extent_competed_code is blank in the record", None
    key = code.strip().upper()
    rule = rules().codes.get(key)
    if rule is None:
        return Competed.UNKNOWN, f"extent_competed_code {key!r} is not in the code list", key
    status = Competed.COMPETED if rule.competed else Competed.NOT_COMPETED
    return status, f"extent_competed_code {key} = {rule.meaning}", key


def flag(
    code: str | None,
    *,
    layout_has_field: bool = True,
    sole_source_reason: str | None = None,
    offers_received: int | None = None,
    source: str | None = None,
) -> CompetitionFlag:
    """The competition flag of one award or transaction record (``source``: which)."""
    status, rule, key = _decide(code, layout_has_field)
    return CompetitionFlag(
        status=status,
        rule=rule,
        extent_competed_code=key,
        sole_source_reason=sole_source_reason,
        offers_received=offers_received,
        single_offer=status is Competed.COMPETED and offers_received == 1,
        source=source if key is not None else None,
    )


def solicitation_label(code: str | None) -> str | None:
    """``SP1`` -> ``SP1 = SIMPLIFIED ACQUISITION`` (an unknown code is shown as it is)."""
    if code is None or not code.strip():
        return None
    key = code.strip().upper()
    meaning = rules().solicitation_procedures.get(key)
    return f"{key} = {meaning}" if meaning else f"{key} (not in the code list)"


def status_expr(code: ir.StringValue) -> ir.StringValue:
    """The same rule as an Ibis expression, for rollups over many rows (one source: the YAML)."""
    mapping = {
        key: (Competed.COMPETED if r.competed else Competed.NOT_COMPETED).value
        for key, r in rules().codes.items()
    }
    return code.strip().upper().substitute(mapping, else_=Competed.UNKNOWN.value)
