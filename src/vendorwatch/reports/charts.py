"""Vega-Lite specs rendered to SVG on the server (vl-convert): the same SVG in pages and PDFs.

No JavaScript reaches the reader and nothing loads from another origin. Amounts are passed to
the chart as numbers (Vega-Lite has no decimals); the exact figures stay in the tables beside
each chart.
"""

from __future__ import annotations

from typing import Any

import vl_convert

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
_CONFIG = {
    "font": FONT,
    "view": {"stroke": None},
    "axis": {"labelFontSize": 11, "titleFontSize": 12, "grid": True, "gridColor": "#e5e5e5"},
    "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom", "labelLimit": 400},
    "range": {"category": ["#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#7f7f7f"]},
}


def svg(spec: dict[str, Any]) -> str:
    """Render a spec; the result is a standalone <svg> element with an accessible title."""
    return str(vl_convert.vegalite_to_svg({"$schema": SCHEMA, "config": _CONFIG, **spec}))


def obligations_by_year(rows: list[dict[str, Any]], *, title: str) -> str:
    """Bars per fiscal year, stacked by awarding sub-agency."""
    values = [
        {
            "fiscal_year": str(r["fiscal_year"]),
            "agency": r.get("sub_agency") or "unknown",
            "obligations": float(r["obligations"] or 0),
        }
        for r in rows
    ]
    return svg(
        {
            "description": title,
            "title": title,
            "width": 520,
            "height": 220,
            "data": {"values": values},
            "mark": {"type": "bar"},
            "encoding": {
                "x": {
                    "field": "fiscal_year",
                    "type": "ordinal",
                    "title": "Fiscal year",
                    "axis": {"labelAngle": 0},
                },
                "y": {
                    "aggregate": "sum",
                    "field": "obligations",
                    "type": "quantitative",
                    "title": "Obligations (USD)",
                    "axis": {"format": "$,.3s"},
                },
                "color": {"field": "agency", "type": "nominal", "title": None},
            },
        }
    )


def horizontal_bars(
    rows: list[dict[str, Any]], *, label: str, value: str, title: str, axis_title: str
) -> str:
    values = [{"label": str(r[label]), "value": float(r[value] or 0)} for r in rows]
    return svg(
        {
            "description": title,
            "title": title,
            "width": 420,
            "height": {"step": 22},
            "data": {"values": values},
            "mark": {"type": "bar", "color": "#1f4e79"},
            "encoding": {
                "y": {"field": "label", "type": "nominal", "sort": "-x", "title": None},
                "x": {
                    "field": "value",
                    "type": "quantitative",
                    "title": axis_title,
                    "axis": {"format": "$,.3s"},
                },
            },
        }
    )


_CUMULATIVE_Y = {
    "field": "cumulative",
    "type": "quantitative",
    "title": "Cumulative obligations (USD)",
    "axis": {"format": "$,.3s"},
}


def cumulative(points: list[dict[str, Any]], *, title: str) -> str:
    """A step line of an award's running obligations, one step per action."""
    return svg(
        {
            "description": title,
            "title": title,
            "width": 520,
            "height": 180,
            "data": {"values": points},
            "mark": {
                "type": "line",
                "interpolate": "step-after",
                "point": True,
                "color": "#1f4e79",
            },
            "encoding": {
                "x": {"field": "date", "type": "temporal", "title": "Action date"},
                "y": _CUMULATIVE_Y,
            },
        }
    )


def cumulative_as_of(points: list[dict[str, Any]], day: str, *, title: str) -> str:
    """The running total month by month, with a rule on the day asked about: what had been
    obligated by then, and what came after."""
    return svg(
        {
            "description": title,
            "title": title,
            "width": 520,
            "height": 180,
            "layer": [
                {
                    "data": {"values": points},
                    "mark": {"type": "line", "interpolate": "step-after", "color": "#1f4e79"},
                    "encoding": {
                        "x": {"field": "month", "type": "temporal", "title": "Month"},
                        "y": _CUMULATIVE_Y,
                    },
                },
                {
                    "data": {"values": [{"day": day}]},
                    "mark": {"type": "rule", "color": "#c55a11", "strokeDash": [4, 3]},
                    "encoding": {"x": {"field": "day", "type": "temporal"}},
                },
            ],
        }
    )


def timeline(
    curve: list[dict[str, Any]],
    events: list[dict[str, Any]],
    axis: dict[str, str],
    *,
    title: str,
) -> str:
    """The obligations curve and the events on one time axis (``axis``: from, to).

    Above: cumulative obligations month by month, with a dashed rule on each event from the
    registry (statements, hearings, actions), so what was said sits on the money's timeline.
    Below: every event as a mark in its kind's lane, contracts from the records included.
    """
    domain = [axis["from"], axis["to"]]
    x = {"field": "day", "type": "temporal", "scale": {"domain": domain}}
    said = [e for e in events if not e["from_records"]]
    # chart positions only: the exact figures are in the dossier's tables
    points = [{"month": c["month"], "cumulative": float(c["cumulative"])} for c in curve]
    layers: list[dict[str, Any]] = [
        {
            "data": {"values": points},
            "mark": {"type": "line", "interpolate": "step-after", "color": "#1f4e79"},
            "encoding": {"x": {**x, "field": "month", "title": None}, "y": _CUMULATIVE_Y},
        }
    ]
    if said:  # an empty mark group would be an unlabelled graphic to a screen reader
        layers.append(
            {
                "data": {"values": [{"day": e["day"]} for e in said]},
                "mark": {"type": "rule", "color": "#c55a11", "strokeDash": [4, 3],
                         "opacity": 0.8},
                "encoding": {"x": x},
            }
        )  # fmt: skip
    lanes = [
        {"day": e["day"], "kind": e["kind_label"], "source": "records" if e["from_records"]
         else "reported"}
        for e in events
    ]  # fmt: skip
    return svg(
        {
            "description": title,
            "title": title,
            "vconcat": [
                {
                    "width": 560,
                    "height": 170,
                    "layer": layers,
                },
                {
                    "width": 560,
                    "height": {"step": 16},
                    "data": {"values": lanes},
                    "mark": {"type": "point", "filled": True, "size": 45, "opacity": 0.85},
                    "encoding": {
                        "x": {**x, "title": "Date"},
                        "y": {"field": "kind", "type": "nominal", "title": None,
                              "axis": {"labelLimit": 260},
                              "sort": list(dict.fromkeys(lane["kind"] for lane in lanes))},
                        "color": {"field": "source", "type": "nominal", "title": None,
                                  "scale": {"domain": ["reported", "records"],
                                            "range": ["#c55a11", "#1f4e79"]}},
                        "shape": {"field": "source", "type": "nominal", "title": None,
                                  "scale": {"domain": ["reported", "records"],
                                            "range": ["square", "circle"]}},
                    },
                },
            ],
            "resolve": {"scale": {"x": "shared"}},
        }
    )  # fmt: skip
