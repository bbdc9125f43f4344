"""The letters the outreach tests write, and what they should count, worked out here.

Each letter is given relative to the day the test judges on, so one list serves the library
(a fixed day), the command line (``--today``) and the site (today). The expected standing of
each letter and the counts of institutions per family follow from these rows alone, by the
rule the campaign states (a reply recorded: answered, or "no answer" if it says so; no reply
and more than N days gone: overdue; else waiting), never from the code under test.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

RELX = "relx-plc"
TR = "thomson-reuters-corp"
NAMES = {RELX: "RELX PLC", TR: "Thomson Reuters Corporation"}
LWTECH = "Lake Washington Institute of Technology"


@dataclass(frozen=True)
class Row:
    institution: str
    family: str
    sent_ago: int  # days before the judging day
    days: int = 30
    reply_ago: int | None = None
    outcome: str | None = None

    def sent(self, today: date) -> date:
        return today - timedelta(days=self.sent_ago)

    def replied(self, today: date) -> date | None:
        return None if self.reply_ago is None else today - timedelta(days=self.reply_ago)

    def events(self, today: date) -> list[tuple[str, date]]:
        """Sent; overdue the day after the wait, if no reply had come by then; the reply."""
        sent, replied = self.sent(today), self.replied(today)
        wait_over = sent + timedelta(days=self.days + 1)
        found = [("sent", sent)]
        if wait_over <= today and (replied is None or replied >= wait_over):
            found.append(("overdue", wait_over))
        if replied is not None:
            found.append(("no answer" if self.outcome == "no answer" else "replied", replied))
        return found

    def state(self) -> str:
        if self.outcome == "no answer":
            return "no answer"
        if self.outcome is not None:
            return "answered"
        return "overdue" if self.sent_ago > self.days else "waiting"


ROWS = [
    # LWTech: the rep asked why and never replied; nobody records the silence.
    Row(LWTECH, RELX, 200),
    Row("Uni A", RELX, 10),
    Row("Uni B", RELX, 60, reply_ago=50, outcome="agreed to review"),  # in time
    Row("Uni B", RELX, 5),  # wrote again: still one institution, answered
    Row("Uni C", TR, 45, reply_ago=1, outcome="no answer"),
    Row("  uni   a ", TR, 40, days=60),  # Uni A again, typed otherwise
    Row("Uni D", TR, 31),  # one day past the 30: overdue
    Row("Uni E", TR, 30),  # due today: still waiting
    Row(LWTECH, TR, 90, reply_ago=40, outcome="declined"),  # replied late: was overdue first
]
STRANGER_ROW = Row("Other College", RELX, 100)  # another organisation's letter


def key(name: str) -> str:
    return " ".join(name.split()).lower()


BEST = ["answered", "waiting", "overdue", "no answer"]


def expected_counts(rows: list[Row]) -> dict[str, dict[str, int]]:
    """Per family id (and "all"): letters, wrote, answered, waiting, overdue, no_answer."""
    states: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        for group in (row.family, "all"):
            states[group][key(row.institution)].append(row.state())
    counts = {}
    for group, by_institution in states.items():
        best = [min(s, key=BEST.index) for s in by_institution.values()]
        counts[group] = {
            "letters": sum(len(s) for s in by_institution.values()),
            "wrote": len(by_institution),
            **{state.replace(" ", "_"): best.count(state) for state in BEST},
        }
    return counts
