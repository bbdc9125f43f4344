"""Readers on the real files, on hand-written COUNTER shapes the samples lack, and on
malformed input: every refusal names what was expected, what was found, and where."""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.audit.conftest import CAMBRIDGE, SCIENCEDIRECT
from vendorwatch.audit import Limits, read_holdings
from vendorwatch.errors import BadInputError, VendorwatchError


def test_sciencedirect_kbart(sciencedirect: bytes) -> None:
    assert sciencedirect.startswith(b"\xef\xbb\xbf")
    r = read_holdings(sciencedirect, SCIENCEDIRECT)
    assert (r.kind, r.format, len(r.holdings)) == ("kbart", "KBART Phase II", 262)
    rows = list(csv.DictReader(io.StringIO(sciencedirect.decode("utf-8-sig")), delimiter="\t"))
    assert [h.title for h in r.holdings] == [row["publication_title"] for row in rows]
    assert Counter(h.publisher for h in r.holdings) == Counter(
        row["publisher_name"] for row in rows
    )
    # drifted header read as the standard field; non-standard columns kept, not dropped
    assert any("parent_publication_id" in w for w in r.warnings)
    first = r.holdings[0]
    assert first.extra["parent_publication_title_id"] == "09283420"
    assert "supplement" in r.columns and "title_change_history" in r.columns
    assert first.line == 2 and first.identifiers == ("978-0-444-50180-6",)


def test_cambridge_kbart_trailing_tab(cambridge: bytes) -> None:
    r = read_holdings(cambridge, CAMBRIDGE)
    assert len(r.holdings) == 468 and len(r.columns) == 25
    assert Counter(h.publisher for h in r.holdings) == {
        "Cambridge University Press": 451,
        "EDP Sciences": 17,
    }
    assert Counter(h.extra.get("access_type") for h in r.holdings) == {"P": 460, "F": 8}


def _platform_totals_from_tsv(path: Path) -> dict[tuple[str, str], int]:
    lines = path.read_text("utf-8-sig").splitlines()
    start = next(
        i
        for i, line in enumerate(lines)
        if line.startswith("Platform\t") or line.startswith("Database\t")
    )
    totals: Counter[tuple[str, str]] = Counter()
    for row in csv.DictReader(lines[start:], delimiter="\t"):
        totals[(row["Platform"], row["Metric_Type"])] += int(row["Reporting_Period_Total"])
    return dict(totals)


@pytest.mark.parametrize("name", ["PRP1_sample_r51.tsv", "DRD1_sample_r51.tsv"])
def test_counter_tsv_usage_per_platform(counter_dir: Path, name: str) -> None:
    path = counter_dir / name
    r = read_holdings(path.read_bytes(), name)
    assert r.kind == "counter" and r.header["Release"] == "5.1"
    got: Counter[tuple[str, str]] = Counter()
    for u in r.usage:
        got[(u.platform, u.metric)] += u.total
    assert dict(got) == _platform_totals_from_tsv(path)


def test_counter_json_equals_tsv(counter_dir: Path) -> None:
    tsv = read_holdings((counter_dir / "PRP1_sample_r51.tsv").read_bytes(), "p.tsv")
    js = read_holdings((counter_dir / "PRP1_sample_r51.json").read_bytes(), "p.json")
    assert js.format == "COUNTER 5.1 PR_P1 (JSON)"
    key = lambda u: (u.platform, u.data_type, u.metric, u.total)  # noqa: E731
    assert sorted(map(key, js.usage)) == sorted(map(key, tsv.usage))


MONTHS = "\t".join(["Jan-2024", "Feb-2024"])
R50_TR_J1 = (
    "Report_Name\tJournal Requests (Excluding OA_Gold)\nReport_ID\tTR_J1\nRelease\t5\n"
    "Institution_Name\tExample College\nInstitution_ID\t\nMetric_Types\tTotal_Item_Requests\n"
    "Report_Filters\t\nReport_Attributes\t\nExceptions\t\n"
    "Reporting_Period\tBegin_Date=2024-01-01; End_Date=2024-02-29\nCreated\t2024-03-05\n"
    "Created_By\tExample\n\n"
    f"Title\tPublisher\tPublisher_ID\tPlatform\tDOI\tProprietary_ID\tPrint_ISSN\tOnline_ISSN\tURI\t"
    f"Metric_Type\tReporting_Period_Total\t{MONTHS}\n"
    "The Lancet\tElsevier\t\tScienceDirect\t\t\t0140-6736\t1474-547X\t\t"
    "Total_Item_Requests\t12\t5\t7\n"
    "AI EDAM\tCambridge University Press\t\tCambridge Core\t\t\t0890-0604\t1469-1760\t\t"
    "Total_Item_Requests\t3\t1\t2\n"
)
R50_DR_JSON = {
    "Report_Header": {"Report_ID": "DR", "Release": "5", "Report_Name": "Database Master Report"},
    "Report_Items": [
        {
            "Database": "Scopus",
            "Publisher": "Elsevier",
            "Platform": "Scopus",
            "Item_ID": [{"Type": "Proprietary", "Value": "scopus"}],
            "Data_Type": "Database",
            "Access_Method": "Regular",
            "Performance": [
                {
                    "Period": {"Begin_Date": "2024-01-01", "End_Date": "2024-01-31"},
                    "Instance": [
                        {"Metric_Type": "Searches_Regular", "Count": 40},
                        {"Metric_Type": "Total_Item_Investigations", "Count": 9},
                    ],
                },
                {
                    "Period": {"Begin_Date": "2024-02-01", "End_Date": "2024-02-29"},
                    "Instance": [{"Metric_Type": "Searches_Regular", "Count": 2}],
                },
            ],
        }
    ],
}


def test_counter_r50_tr_j1_and_json_dr() -> None:
    tr = read_holdings(R50_TR_J1.encode(), "tr.tsv")
    assert tr.format == "COUNTER 5 TR_J1 (TSV)"
    assert [(u.title, u.platform, u.total, u.identifiers) for u in tr.usage] == [
        ("The Lancet", "ScienceDirect", 12, ("0140-6736", "1474-547X")),
        ("AI EDAM", "Cambridge Core", 3, ("0890-0604", "1469-1760")),
    ]
    dr = read_holdings(json.dumps(R50_DR_JSON).encode(), "dr.json")
    assert {(u.database, u.metric): u.total for u in dr.usage} == {
        ("Scopus", "Searches_Regular"): 42,
        ("Scopus", "Total_Item_Investigations"): 9,
    }


def test_counter_as_csv_and_xlsx() -> None:
    rows = [line.split("\t") for line in R50_TR_J1.splitlines()]
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    as_csv = read_holdings(text.getvalue().encode(), "tr.csv")
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append([int(c) if c.isdigit() else c for c in row])
    out = io.BytesIO()
    book.save(out)
    as_xlsx = read_holdings(out.getvalue(), "tr.xlsx")
    assert [u.total for u in as_csv.usage] == [u.total for u in as_xlsx.usage] == [12, 3]


def test_generic_csv_with_title_row_and_overrides() -> None:
    text = (
        "A-Z database list exported 2024-05-01\n"
        "Database Name,Vendor,Link\n"
        '"Nexis Uni (formerly LexisNexis Academic)",LexisNexis,https://advance.lexis.com/x\n'
        "JSTOR,ITHAKA,https://www.jstor.org\n"
    )
    r = read_holdings(text.encode(), "az.csv")
    assert r.mapping == {"name": "Database Name", "vendor": "Vendor", "url": "Link"}
    assert [(h.line, h.title, h.publisher) for h in r.holdings] == [
        (3, "Nexis Uni (formerly LexisNexis Academic)", "LexisNexis"),
        (4, "JSTOR", "ITHAKA"),
    ]
    custom = "Ressource;Firma\nScopus;Elsevier\n"
    with pytest.raises(BadInputError, match="expected a KBART title list"):
        read_holdings(custom.encode(), "erm.csv")
    r2 = read_holdings(custom.encode(), "erm.csv", columns={"name": "Ressource", "vendor": "Firma"})
    assert [(h.title, h.publisher) for h in r2.holdings] == [("Scopus", "Elsevier")]
    with pytest.raises(BadInputError, match="no header row has the column"):
        read_holdings(custom.encode(), "erm.csv", columns={"name": "Title"})


def test_xlsx_list() -> None:
    book = openpyxl.Workbook()
    book.active.append(["Name", "Provider", "URL"])
    book.active.append(["ScienceDirect", "Elsevier", "https://www.sciencedirect.com"])
    out = io.BytesIO()
    book.save(out)
    r = read_holdings(out.getvalue(), "list.xlsx")
    assert r.format == "XLSX list of databases"
    assert [(h.line, h.title, h.publisher, h.url) for h in r.holdings] == [
        (2, "ScienceDirect", "Elsevier", "https://www.sciencedirect.com")
    ]


# --- malformed files -----------------------------------------------------------------------


def test_truncated_kbart(cambridge: bytes) -> None:
    cut = cambridge[: cambridge.index(b"AJS Review") + 30]
    with pytest.raises(BadInputError) as exc:
        read_holdings(cut, CAMBRIDGE)
    assert "truncated" in exc.value.message
    assert exc.value.where is not None and exc.value.where.line == 3


def test_truncated_inside_a_character() -> None:
    data = (
        "publication_title\tprint_identifier\ttitle_url\tpublisher_name\n"
        "Revue d\u2019\u00e9t\u00e9\t\t\tX\n"
    )
    raw = data.encode()
    cut = raw[: raw.index("\u2019".encode()) + 1]
    with pytest.raises(BadInputError, match="middle of a UTF-8 character"):
        read_holdings(cut, "cut.txt")


def test_wrong_delimiter(cambridge: bytes) -> None:
    text = cambridge.decode("utf-8")
    commas = "\n".join(",".join(line.split("\t")) for line in text.splitlines())
    with pytest.raises(BadInputError) as exc:
        read_holdings(commas.encode(), CAMBRIDGE)
    assert "separated by commas, not tabs" in exc.value.message
    assert (exc.value.where.line, exc.value.where.column) == (1, 18)  # type: ignore[union-attr]
    header, *rest = text.splitlines()
    mixed = "\n".join([header, *(",".join(r.split("\t")) for r in rest)])
    with pytest.raises(BadInputError, match="header is tab-separated, the rows are not") as exc2:
        read_holdings(mixed.encode(), CAMBRIDGE)
    assert exc2.value.where.line == 2  # type: ignore[union-attr]
    # read as a plain spreadsheet on request
    assert len(read_holdings(commas.encode(), CAMBRIDGE, kind="table").holdings) > 400


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 32, "Excel 97-2003"),
        (b"publication_title\x00\x01\x02\x03binary", "binary data"),
    ],
)
def test_binary(data: bytes, expected: str) -> None:
    with pytest.raises(BadInputError, match=expected):
        read_holdings(data, "upload.bin")


def test_zip_that_is_not_a_workbook() -> None:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("titles.txt", "x")
    with pytest.raises(BadInputError, match="ZIP archive that is not an XLSX"):
        read_holdings(out.getvalue(), "titles.zip")


def test_wrong_encoding(cambridge: bytes) -> None:
    latin = cambridge.decode("utf-8").encode("cp1252")
    with pytest.raises(BadInputError) as exc:
        read_holdings(latin, CAMBRIDGE)
    assert "is not UTF-8" in exc.value.message and "--encoding" in exc.value.message
    where = exc.value.where
    assert where is not None and where.line is not None and where.line > 1
    bad_line = latin.split(b"\n")[where.line - 1]
    assert any(b > 0x7F for b in bad_line)
    # given the encoding, it reads like the original
    fixed = read_holdings(latin, CAMBRIDGE, encoding="cp1252")
    assert [h.title for h in fixed.holdings] == [
        h.title for h in read_holdings(cambridge, CAMBRIDGE).holdings
    ]


def test_utf16_with_bom_and_gzip(sciencedirect: bytes) -> None:
    text = sciencedirect.decode("utf-8-sig")
    assert len(read_holdings(text.encode("utf-16"), "sd.txt").holdings) == 262
    assert len(read_holdings(gzip.compress(sciencedirect), "sd.txt.gz").holdings) == 262


def test_not_any_kind_and_empty() -> None:
    with pytest.raises(BadInputError) as exc:
        read_holdings(b"Dear colleagues,\nplease find attached\n", "note.txt")
    assert "expected a KBART title list" in exc.value.message
    assert "'Dear colleagues'" in exc.value.message
    with pytest.raises(BadInputError, match="empty"):
        read_holdings(b"\n\n", "empty.txt")
    with pytest.raises(BadInputError, match="not a COUNTER report"):
        read_holdings(b'{"items": []}', "x.json")
    with pytest.raises(BadInputError, match="not valid JSON") as exc2:
        read_holdings(b'{"Report_Header": {\n  "Report_ID": }', "x.json")
    assert exc2.value.where.line == 2  # type: ignore[union-attr]
    with pytest.raises(BadInputError, match="KBART header but no title rows"):
        read_holdings(b"publication_title\tprint_identifier\ttitle_url\n", "h.txt")


def test_counter_bad_number(counter_dir: Path) -> None:
    text = (counter_dir / "PRP1_sample_r51.tsv").read_text("utf-8-sig")
    broken = text.replace("\t10445\t", "\tten thousand\t", 1)
    with pytest.raises(BadInputError) as exc:
        read_holdings(broken.encode(), "p.tsv")
    w = exc.value.where
    assert w is not None and (w.line, w.column, w.column_name) == (16, 4, "Reporting_Period_Total")
    no_blank = text.replace("\n\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\n", "\n", 1)
    assert no_blank != text
    tolerant = read_holdings(no_blank.encode(), "p.tsv")
    assert len(tolerant.usage) == 51 and tolerant.usage[0].line == 15


def test_limits(sciencedirect: bytes) -> None:
    with pytest.raises(VendorwatchError, match="the limit is 1,000 bytes per file"):
        read_holdings(sciencedirect, "sd.txt", limits=Limits(max_file_bytes=1000))
    with pytest.raises(BadInputError, match="more than 100 titles") as exc:
        read_holdings(sciencedirect, "sd.txt", limits=Limits(max_rows=100))
    assert exc.value.where.line == 102  # type: ignore[union-attr]
    bomb = gzip.compress(b"x" * 5000)
    with pytest.raises(VendorwatchError, match="unpacked, the file is larger"):
        read_holdings(bomb, "b.gz", limits=Limits(max_unpacked_bytes=2000))


# --- property: line endings, BOM and trailing tabs never change what is read -----------------

FIELD = st.text(
    alphabet=st.characters(blacklist_characters="\t\r\n", blacklist_categories=("Cs", "Cc")),
    max_size=12,
).map(str.strip)
TITLE = FIELD.filter(bool)
HEADER = ["publication_title", "print_identifier", "online_identifier", "title_url",
          "publisher_name", "coverage_depth", "local_note"]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(
        st.tuples(TITLE, FIELD, FIELD, FIELD, FIELD, FIELD, FIELD), min_size=1, max_size=12
    ),
    eol=st.sampled_from(["\n", "\r\n", "\r"]),
    bom=st.booleans(),
    trailing=st.lists(st.integers(min_value=0, max_value=2), min_size=13, max_size=13),
    final_break=st.booleans(),
)
def test_kbart_tolerates_line_endings_bom_trailing_tabs(
    rows: list[tuple[str, ...]], eol: str, bom: bool, trailing: list[int], final_break: bool
) -> None:
    lines = ["\t".join(HEADER) + "\t" * trailing[0]]
    lines += ["\t".join(r) + "\t" * trailing[i + 1] for i, r in enumerate(rows)]
    text = ("\ufeff" if bom else "") + eol.join(lines) + (eol if final_break else "")
    result = read_holdings(text.encode("utf-8"), "p.txt")
    assert result.format == "KBART Phase I"
    assert [(h.title, h.publisher, h.url) for h in result.holdings] == [
        (r[0], r[4], r[3]) for r in rows
    ]
    assert [h.line for h in result.holdings] == list(range(2, len(rows) + 2))
    assert [h.extra.get("local_note", "") for h in result.holdings] == [r[6] for r in rows]
