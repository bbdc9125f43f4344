"""The CLI's ``family`` and ``dossier`` take any organisation id; an unknown one is one line
with the nearest ids and exit status 1, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

from .test_app import vendorwatch


def test_a_company_id_answers_with_its_family_named(sample_warehouse: Path) -> None:
    shown = vendorwatch("family", "lexisnexis-risk-solutions", warehouse=sample_warehouse)
    assert shown.returncode == 0, shown.stderr
    assert "Traceback" not in shown.stderr
    assert "(in the RELX PLC family)" in " ".join(shown.stdout.split())
    as_of = vendorwatch(
        "family", "lexisnexis-risk-solutions", "--as-of", "2023-01-01", "--json",
        warehouse=sample_warehouse,
    )  # fmt: skip
    assert json.loads(as_of.stdout)["obligated"] == "8276020.00"


def test_an_unknown_id_is_one_line_with_the_nearest(sample_warehouse: Path) -> None:
    for command in (["family", "lexisnexis-risk-solution"],
                    ["dossier", "lexisnexis-risk-solution", "-o", "/dev/null.html"]):  # fmt: skip
        refused = vendorwatch(*command, warehouse=sample_warehouse)
        assert refused.returncode == 1
        assert "Traceback" not in refused.stderr
        line = " ".join(refused.stderr.split())
        assert line.startswith("error: no organisation 'lexisnexis-risk-solution'; did you mean")
        assert "lexisnexis-risk-solutions (LexisNexis Risk Solutions Inc.)" in line
