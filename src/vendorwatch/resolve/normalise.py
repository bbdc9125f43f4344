"""Company-name normalisation: the same legal name written differently gives the same key.

Only form is removed — case, accents, punctuation, "&" versus "AND", a leading "THE", and
trailing legal-form words (INC, LLC, CORPORATION …, repeatedly, as in "CO., LTD."). Words are
never cut: the key is a sequence of whole words, which is what keeps "OUTLOOK" from ever
containing "TLO".
"""

from __future__ import annotations

import re
import unicodedata

LEGAL_FORMS = frozenset(
    {"INC", "INCORPORATED", "LLC", "LLP", "LP", "LTD", "LIMITED", "CORP", "CORPORATION", "CO"}
    | {"COMPANY", "PLC", "PLLC", "PC", "PA", "LC", "LLLP", "NA", "GMBH", "AG", "SA", "SAS"}
    | {"SARL", "BV", "NV", "PTY", "SPA", "SRL", "AB", "AS", "OY", "KK"}
)
# Generic words written several ways ("TECHNOLOGY"/"TECHNOLOGIES") get one spelling, so the
# distinctive words decide; a distinctive word is never rewritten.
GENERIC = {
    "TECHNOLOGIES": "TECHNOLOGY",
    "TECH": "TECHNOLOGY",
    "SERVICES": "SERVICE",
    "SVCS": "SERVICE",
    "SOLUTIONS": "SOLUTION",
    "SYSTEMS": "SYSTEM",
    "SYS": "SYSTEM",
    "INTERNATIONAL": "INTL",
    "ASSOCIATES": "ASSOC",
    "ASSOCIATION": "ASSOC",
    "MANAGEMENT": "MGMT",
    "GOVERNMENT": "GOVT",
    "ENTERPRISES": "ENTERPRISE",
    "INDUSTRIES": "INDUSTRY",
    "COMMUNICATIONS": "COMMUNICATION",
    "LABORATORIES": "LAB",
    "LABORATORY": "LAB",
    "LABS": "LAB",
    "CONSULTANTS": "CONSULTING",
    "PRODUCTS": "PRODUCT",
    "NETWORKS": "NETWORK",
    # kept only when the name would otherwise be one word ("MICROSOFT CORP")
    "CORP": "CORPORATION",
    "CO": "COMPANY",
    "LTD": "LIMITED",
}
# Words that are part of a name when nothing else but one word would be left:
# "THE THOMSON COMPANY" must not shrink to "THOMSON", which any Thomson would match.
_NAMING_FORMS = frozenset({"CO", "COMPANY", "CORP", "CORPORATION", "LIMITED"})

_APOSTROPHES = re.compile("['\u2019`\u00b4]")  # straight, curly and accent apostrophes
_NON_WORD = re.compile(r"[^0-9A-Z]+")


def _merge_initials(tokens: list[str]) -> list[str]:
    """``L L C`` → ``LLC``, ``B I`` → ``BI``: dotted initials become one word."""
    out: list[str] = []
    run: list[str] = []
    for token in tokens:
        if len(token) == 1 and token.isalpha():
            run.append(token)
            continue
        if run:
            out.append("".join(run) if len(run) > 1 else run[0])
            run = []
        out.append(token)
    if run:
        out.append("".join(run) if len(run) > 1 else run[0])
    return out


def tokens(name: str, *, keep_legal_form: bool = False) -> list[str]:
    """The words of a name after removing form (see the module docstring).

    With ``keep_legal_form`` the trailing INC/LLC/PLC … stay: "RELX PLC" and "RELX INC."
    are different companies that only the legal form tells apart.
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).upper()
    text = _APOSTROPHES.sub("", text).replace("&", " AND ")
    words = _merge_initials(_NON_WORD.sub(" ", text).split())
    if len(words) > 1 and words[0] == "THE":
        words = words[1:]
    while (
        not keep_legal_form and len(words) > 1 and words[-1] in LEGAL_FORMS | {"THE"}
    ):  # "THOMSON CO INC, THE"
        if len(words) == 2 and words[-1] in _NAMING_FORMS:
            break
        words = words[:-1]
    return [GENERIC.get(w, w) for w in words]


def normalise(name: str) -> str:
    """The comparison key of a name: its words joined by single spaces."""
    return " ".join(tokens(name))


def exact_key(name: str) -> str:
    """The key for an *exact* alias: case and spacing only, so punctuation still counts."""
    return " ".join(name.upper().split())
