"""The required structure of an OCDS 1.1 release package, as a JSON Schema (draft 4).

WRITTEN BY HAND, NOT THE OFFICIAL SCHEMA, so that every run can check every release quickly
(the official schema costs ~3.5 ms a release). This is the part of the official
``release-package-schema.json`` / ``release-schema.json`` (1.1.5) that our exports use,
restated from those files: every ``required`` list, the types, the date-time and URI formats,
and the closed codelists (release tag, initiation type, tender / award / contract status,
procurement method). It is stricter than OCDS in two places: currency is USD only (the official
codelist is ISO 4217), and objects we never write are not described. The official files are
used too (``test_ocds.py``; scripts/ocds_schema.py fetches them from PyPI's archives).
"""

from __future__ import annotations

from typing import Any

_NULLABLE_STR = {"type": ["string", "null"]}
_DATE_TIME = {"type": ["string", "null"], "format": "date-time"}
_URI = {"type": ["string", "null"], "format": "uri"}

RELEASE_TAGS = [
    "planning", "planningUpdate", "tender", "tenderAmendment", "tenderUpdate",
    "tenderCancellation", "award", "awardUpdate", "awardCancellation", "contract",
    "contractUpdate", "contractAmendment", "implementation", "implementationUpdate",
    "contractTermination", "compiled",
]  # fmt: skip

# The closed relatedProcess codelist of OCDS 1.1.
RELATED_PROCESS = [
    "framework", "planning", "parent", "prior", "unsuccessfulProcess", "subContract",
    "replacementProcess", "renewalProcess",
]  # fmt: skip
TENDER_STATUSES = ["planning", "planned", "active", "cancelled", "unsuccessful", "complete"]
TENDER_STATUSES += ["withdrawn"]

DEFINITIONS: dict[str, Any] = {
    "Value": {
        "type": "object",
        "properties": {
            "amount": {"type": ["number", "null"]},
            "currency": {"type": ["string", "null"], "enum": ["USD", None]},
        },
    },
    "Period": {
        "type": "object",
        "properties": {
            "startDate": _DATE_TIME,
            "endDate": _DATE_TIME,
            "maxExtentDate": _DATE_TIME,
            "durationInDays": {"type": ["integer", "null"]},
        },
    },
    "Identifier": {
        "type": "object",
        "properties": {
            "scheme": _NULLABLE_STR,
            "id": {"type": ["string", "integer", "null"]},
            "legalName": _NULLABLE_STR,
            "uri": _URI,
        },
    },
    "OrganizationReference": {
        "type": "object",
        "properties": {
            "name": {"type": ["string", "null"], "minLength": 1},
            "id": {"type": ["string", "integer"]},
        },
    },
    "Organization": {
        "type": "object",
        "properties": {
            "name": _NULLABLE_STR,
            "id": {"type": "string"},
            "identifier": {"$ref": "#/definitions/Identifier"},
            "additionalIdentifiers": {
                "type": "array",
                "items": {"$ref": "#/definitions/Identifier"},
                "uniqueItems": True,
            },
            "roles": {"type": ["array", "null"], "items": {"type": "string"}},
        },
    },
    "Transaction": {
        "type": "object",
        "required": ["id"],
        "properties": {
            "id": {"type": ["string", "integer"], "minLength": 1},
            "date": _DATE_TIME,
            "value": {"$ref": "#/definitions/Value"},
            "payer": {"$ref": "#/definitions/OrganizationReference"},
            "payee": {"$ref": "#/definitions/OrganizationReference"},
            "uri": _URI,
        },
    },
    "Tender": {
        "type": "object",
        "required": ["id"],
        "properties": {
            "id": {"type": ["string", "integer"], "minLength": 1},
            "status": {
                "type": ["string", "null"],
                "enum": [*TENDER_STATUSES, None],
            },
            "procurementMethod": {
                "type": ["string", "null"],
                "enum": ["open", "selective", "limited", "direct", None],
            },
            "procurementMethodDetails": _NULLABLE_STR,
            "procurementMethodRationale": _NULLABLE_STR,
            "numberOfTenderers": {"type": ["integer", "null"]},
            "value": {"$ref": "#/definitions/Value"},
        },
    },
    "Award": {
        "type": "object",
        "required": ["id"],
        "properties": {
            "id": {"type": ["string", "integer"], "minLength": 1},
            "title": _NULLABLE_STR,
            "description": _NULLABLE_STR,
            "status": {
                "type": ["string", "null"],
                "enum": ["pending", "active", "cancelled", "unsuccessful", None],
            },
            "date": _DATE_TIME,
            "value": {"$ref": "#/definitions/Value"},
            "suppliers": {
                "type": "array",
                "items": {"$ref": "#/definitions/OrganizationReference"},
                "uniqueItems": True,
            },
            "contractPeriod": {"$ref": "#/definitions/Period"},
        },
    },
    "Contract": {
        "type": "object",
        "required": ["id", "awardID"],
        "properties": {
            "id": {"type": ["string", "integer"], "minLength": 1},
            "awardID": {"type": ["string", "integer"], "minLength": 1},
            "title": _NULLABLE_STR,
            "description": _NULLABLE_STR,
            "status": {
                "type": ["string", "null"],
                "enum": ["pending", "active", "cancelled", "terminated", None],
            },
            "period": {"$ref": "#/definitions/Period"},
            "value": {"$ref": "#/definitions/Value"},
            "dateSigned": _DATE_TIME,
            "implementation": {
                "type": "object",
                "properties": {
                    "transactions": {
                        "type": "array",
                        "items": {"$ref": "#/definitions/Transaction"},
                        "uniqueItems": True,
                    }
                },
            },
        },
    },
}

DEFINITIONS["RelatedProcess"] = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "relationship": {
            "type": ["array", "null"],
            "items": {"type": "string", "enum": RELATED_PROCESS},
            "uniqueItems": True,
        },
        "title": _NULLABLE_STR,
        "scheme": _NULLABLE_STR,
        "identifier": _NULLABLE_STR,
        "uri": _URI,
    },
}

RELEASE: dict[str, Any] = {
    "type": "object",
    "required": ["ocid", "id", "date", "tag", "initiationType"],
    "properties": {
        "ocid": {"type": "string", "minLength": 1},
        "id": {"type": "string", "minLength": 1},
        "date": {"type": "string", "format": "date-time"},
        "tag": {
            "type": "array",
            "items": {"type": "string", "enum": RELEASE_TAGS},
            "minItems": 1,
        },
        "initiationType": {"type": "string", "enum": ["tender"]},
        "parties": {
            "type": "array",
            "items": {"$ref": "#/definitions/Organization"},
            "uniqueItems": True,
        },
        "buyer": {"$ref": "#/definitions/OrganizationReference"},
        "tender": {"$ref": "#/definitions/Tender"},
        "awards": {
            "type": "array",
            "items": {"$ref": "#/definitions/Award"},
            "uniqueItems": True,
        },
        "contracts": {
            "type": "array",
            "items": {"$ref": "#/definitions/Contract"},
            "uniqueItems": True,
        },
        "language": _NULLABLE_STR,
        "relatedProcesses": {
            "type": "array",
            "items": {"$ref": "#/definitions/RelatedProcess"},
            "uniqueItems": True,
        },
    },
}

RELEASE_PACKAGE: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "title": "OCDS 1.1 release package: required structure (hand-written, see module docstring)",
    "type": "object",
    "required": ["uri", "publisher", "publishedDate", "releases", "version"],
    "properties": {
        "uri": {"type": "string", "format": "uri"},
        "version": {"type": "string", "pattern": r"^(\d+\.)(\d+)$"},
        "publishedDate": {"type": "string", "format": "date-time"},
        "publisher": {
            "type": "object",
            "required": ["name"],
            "properties": {"name": {"type": "string"}, "uri": _URI},
        },
        "releases": {"type": "array", "items": RELEASE},
    },
    "definitions": DEFINITIONS,
}
