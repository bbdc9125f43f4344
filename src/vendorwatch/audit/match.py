"""From a title, database or platform to a registry product, its owner and the owner's family.

Signals, strongest first; the first that decides is recorded with a sentence saying why:

1. ``host`` — the URL's host is (or is under) a product's or organisation's host
   (``www.sciencedirect.com`` → ScienceDirect). Whole DNS labels only: ``notsciencedirect.com``
   is no match;
2. ``isbn`` — an ISBN starts with a registrant prefix listed for a product (``978-0-12`` →
   ScienceDirect's Academic Press titles), compared on digits so hyphens do not matter;
3. ``name`` — a database's name is a product's name, exactly or before a qualifier
   (``Nexis Uni (formerly LexisNexis Academic)``); titles match only journal products;
4. ``platform`` — the platform column names a product (COUNTER ``Platform``); after the
   database name, since a DR row's database (Scopus) is more precise than its platform;
5. ``publisher`` — a product's publisher or imprint name (Academic Press, Elsevier Science
   B.V.), or a registered company's name once legal forms are set aside (Elsevier Inc.);
6. ``recipient`` — (with a warehouse, in `audit.warehouse`) a publisher, platform or database
   name that is a recipient's name in the contract data, legal forms aside;
7. ``none`` — nothing known: reported as "no known enforcement contracts", never dropped.

Names compare on a key (case, accents, punctuation and "&"/"and" aside): never substrings.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Literal

from vendorwatch.audit.models import Holding, UsageRow
from vendorwatch.registry import Registry
from vendorwatch.registry.models import Product
from vendorwatch.resolve.normalise import normalise

Method = Literal["host", "isbn", "platform", "name", "publisher", "recipient", "none"]

_HOST = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//([^/?#:@\s]+)", re.IGNORECASE)
_BARE_HOST = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}$", re.IGNORECASE)
_NON_WORD = re.compile(r"[^0-9a-z]+")
_QUALIFIER = re.compile("\\s+(?:\\(|\\[|-|\u2013|\u2014|:|,)\\s*|\\s*[(\\[:,]")


def key(name: str) -> str:
    """``Elsevier Science B.V.`` → ``elsevier science b v``: case, accents, punctuation aside."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    text = text.lower().replace("&", " and ")
    return " ".join(_NON_WORD.sub(" ", text).split())


def host_of(url: str) -> str:
    """The lower-case host of a URL (or of a bare ``www.example.com``)."""
    url = url.strip()
    found = _HOST.match(url)
    host = found.group(1) if found else (url if _BARE_HOST.match(url) else "")
    return host.lower().rstrip(".")


def _bare(host: str) -> str:
    return (host_of(host) or host.lower()).removeprefix("www.")


def isbn_digits(identifier: str) -> str | None:
    """An ISBN as 13 digits (an ISBN-10 gets the 978 prefix, check digit dropped), or None."""
    if len(identifier) not in (10, 13, 17):  # ISBN-10/13, bare or hyphenated; not an ISSN
        return None
    digits = identifier.replace("-", "").replace(" ", "").upper()
    if len(digits) == 13 and digits.isdigit() and digits.startswith(("978", "979")):
        return digits
    if len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] == "X"):
        return "978" + digits[:9]
    return None


@dataclass(frozen=True, slots=True)
class Match:
    """What a holding was matched to, how, and whether every fact used is checked."""

    method: Method
    reason: str
    product: str | None = None
    product_name: str | None = None
    organisation: str | None = None
    family: str | None = None
    family_name: str | None = None
    verified: bool = True

    @property
    def matched(self) -> bool:
        return self.family is not None


NO_MATCH = Match(method="none", reason="no registry product, host, imprint or company matches")


class Matcher:
    """The registry's products, hosts and names, indexed for matching; families as of ``on``."""

    def __init__(self, registry: Registry, on: date | None = None) -> None:
        self.registry = registry
        self.on = on or date.today()
        self.hosts: dict[str, tuple[Product | None, str]] = {}
        self.isbn: dict[str, tuple[Product, str]] = {}
        self.names: dict[str, Product] = {}
        self.journals: dict[str, Product] = {}
        self.publishers: dict[str, Product] = {}
        self.companies: dict[str, str] = {}
        for entry in registry.products.values():
            p = entry.value
            if p.until is not None and p.until <= self.on:
                continue
            for h in p.hosts:
                self.hosts.setdefault(_bare(h), (p, p.owner))
            for prefix in p.isbn_prefixes:
                self.isbn.setdefault(prefix.replace("-", ""), (p, prefix))
            for n in [p.name, *p.platform_names]:
                self.names.setdefault(key(n), p)
            if p.kind == "journal":
                self.journals.setdefault(key(p.name), p)
            for n in p.publisher_names:
                self.publishers.setdefault(key(n), p)
        for org_id, org_entry in registry.organisations.items():
            org = org_entry.value
            for h in org.hosts:
                self.hosts.setdefault(_bare(h), (None, org_id))
            if org.kind != "company":
                continue
            for n in [org.name, *(a.name for a in org.aliases)]:
                k = normalise(n)
                if k and len(k) > 3:
                    self.companies.setdefault(k, org_id)
        self._prefix_lengths = sorted({len(k) for k in self.isbn}, reverse=True)
        self._cached = lru_cache(maxsize=65_536)(self._decide)
        self._host_seen: dict[tuple[str, str], Match] = {}

    # -- the pieces ---------------------------------------------------------------------

    def _result(self, method: Method, reason: str, product: Product | None, owner: str) -> Match:
        reg = self.registry
        chain = reg.chain(owner, self.on)
        verified = all(
            (edge := reg.parent(child, self.on)) is None or reg.is_verified(edge)
            for child in chain[:-1]
        )
        if product is not None:
            verified = verified and reg.is_verified(product)
        family = chain[-1]
        return Match(
            method=method,
            reason=reason,
            product=product.id if product else None,
            product_name=product.name if product else None,
            organisation=owner,
            family=family,
            family_name=reg.organisation(family).name,
            verified=verified,
        )

    def _owner_name(self, org_id: str) -> str:
        return self.registry.organisation(org_id).name

    def _by_host(self, host: str, field: str) -> Match | None:
        labels = host.split(".")
        for i in range(len(labels) - 1):
            found = self.hosts.get(".".join(labels[i:]))
            if found is not None:
                product, owner = found
                what = product.name if product else self._owner_name(owner)
                return self._result(
                    "host", f"{field} host {host} is a host of {what}", product, owner
                )
        return None

    def _by_name(self, text: str, field: str, table: dict[str, Product]) -> Match | None:
        k = key(text)
        product = table.get(k)
        qualified = ""
        if product is None:
            head = _QUALIFIER.split(text.strip(), maxsplit=1)[0]
            if head and head != text.strip():
                product = table.get(key(head))
                qualified = f" (before the qualifier {text.strip()[len(head) :].strip()!r})"
        if product is None:
            return None
        return self._result(
            "platform" if field == "platform" else "name",
            f"{field} {text.strip()!r}{qualified} is the name of {product.name}",
            product,
            product.owner,
        )

    def _by_publisher(self, publisher: str, field: str) -> Match | None:
        product = self.publishers.get(key(publisher))
        if product is not None:
            return self._result(
                "publisher",
                f"{field} {publisher!r} is a publisher or imprint name of {product.name}",
                product,
                product.owner,
            )
        org = self.companies.get(normalise(publisher))
        if org is not None:
            return self._result(
                "publisher",
                f"{field} {publisher!r} is the company {self._owner_name(org)}",
                None,
                org,
            )
        return None

    def _by_isbn(self, identifiers: tuple[str, ...]) -> Match | None:
        if not self.isbn:
            return None
        for identifier in identifiers:
            digits = isbn_digits(identifier)
            if digits is None:
                continue
            for n in self._prefix_lengths:
                found = self.isbn.get(digits[:n])
                if found is not None:
                    product, prefix = found
                    return self._result(
                        "isbn",
                        f"ISBN {identifier} has the registrant prefix {prefix} listed for "
                        f"{product.name}",
                        product,
                        product.owner,
                    )
        return None

    def _decide(  # noqa: PLR0917 - positional, for the cache key
        self, host: str, url_field: str, platform: str, name: str, name_field: str,
        journal: str, publisher: str, publisher_field: str,
    ) -> Match:  # fmt: skip
        if host and (m := self._by_host(host, url_field)):
            return m
        if name and (m := self._by_name(name, name_field, self.names)):
            return m
        if platform:
            if m := self._by_name(platform, "platform", self.names):
                return m
            if (h := host_of(platform)) and (m := self._by_host(h, "platform")):
                return m
        if journal and (m := self._by_name(journal, "title", self.journals)):
            return m
        if publisher and (m := self._by_publisher(publisher, publisher_field)):
            return m
        return NO_MATCH

    # -- public -------------------------------------------------------------------------

    def holding(self, h: Holding) -> Match:
        host = host_of(h.url) if h.url else ""
        kbart = h.kind == "title"
        url_field = "title_url" if kbart else "URL"
        if host and (m := self._by_host_cached(host, url_field)):
            return m
        if h.identifiers and (m := self._by_isbn(h.identifiers)):
            return m
        is_title = h.kind == "title"
        return self._cached(
            "",
            url_field,
            h.platform,
            "" if is_title else h.title,
            "platform name" if h.kind == "platform" else "database name",
            h.title if is_title else "",
            h.publisher,
            "publisher_name" if kbart else "publisher",
        )

    def _by_host_cached(self, host: str, field: str) -> Match | None:
        found = self._host_seen.get((host, field))
        if found is None:
            found = self._by_host(host, field) or NO_MATCH
            self._host_seen[(host, field)] = found
        return found if found.matched else None

    def usage(self, u: UsageRow) -> Match:
        if u.identifiers and (m := self._by_isbn(u.identifiers)):
            return m
        return self._cached(
            "", "", u.platform, u.database, "Database", u.title, u.publisher, "Publisher"
        )
