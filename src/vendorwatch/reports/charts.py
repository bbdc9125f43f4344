"""Vega-Lite specs rendered to SVG on the server (vl-convert): the same SVG in pages and PDFs.

No JavaScript reaches the reader and nothing loads from another origin. Amounts are passed to
the chart as numbers (Vega-Lite has no decimals); the exact figures stay in the tables beside
each chart.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from datetime import date
from typing import Any

from vendorwatch.formatting import day as human_day
from vendorwatch.reports.chart_process import ChartProcess

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
_CONFIG = {
    "font": FONT,
    "view": {"stroke": None},
    "axis": {"labelFontSize": 11, "titleFontSize": 12, "grid": True, "gridColor": "#e5e5e5"},
    "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom", "labelLimit": 400},
    "range": {"category": ["#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#7f7f7f"]},
}


def _money_label() -> str:
    """A Vega expression for an axis label in the site's words: $1.6B, $400M, $25K, $0."""
    v = "abs(datum.value)"
    return (
        f"(datum.value < 0 ? '-' : '') + '$' + ({v} >= 1e9 ? format({v} / 1e9, '.1f') + 'B' : "
        f"{v} >= 1e6 ? format({v} / 1e6, '.1~f') + 'M' : {v} >= 1e3 ? format({v} / 1e3, '.1~f')"
        f" + 'K' : format({v}, ',.0f'))"
    )


MONEY_AXIS = {"labelExpr": _money_label()}
NARROW = 300  # px: a phone's chart is drawn at its own size, not a desktop one shrunk
_NARROW_FONT = {"labelFontSize": 13, "titleFontSize": 13}


def pair(wide: str, narrow: str) -> str:
    """Both drawings of a chart; the stylesheet shows the narrow one on a phone only."""
    return f'<div class="chart-wide">{wide}</div><div class="chart-narrow">{narrow}</div>'


def both(draw: Callable[..., str], *args: Any, **kwargs: Any) -> str:
    """``draw`` at desktop and at phone width, paired (see ``pair``)."""
    return pair(draw(*args, **kwargs), draw(*args, narrow=True, **kwargs))


def _title(text: str, narrow: bool) -> Any:
    """A long title wraps on a phone (Vega-Lite takes a list of lines)."""
    if not narrow:
        return text
    return {"text": textwrap.wrap(text, 36), "fontSize": 14, "anchor": "start"}


_process: ChartProcess | None = None  # set by the site (`draw_out_of_process`)


def draw_out_of_process() -> None:
    """Draw every chart of this process in a child (`chart_process`): for the site, which
    lives long and draws once per warehouse version; the command line draws in process."""
    global _process  # noqa: PLW0603 - one child per process, like vl-convert's engine
    if _process is None:
        _process = ChartProcess()


def svg(spec: dict[str, Any]) -> str:
    """Render a spec; the result is a standalone <svg> element with an accessible title."""
    full = {"$schema": SCHEMA, "config": _CONFIG, **spec}
    if _process is not None:
        return _process.svg(full)
    import vl_convert  # noqa: PLC0415 - its engine only where charts are drawn here

    return str(vl_convert.vegalite_to_svg(full))


def obligations_by_year(rows: list[dict[str, Any]], *, title: str, narrow: bool = False) -> str:
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
            "title": _title(title, narrow),
            "width": NARROW - 60 if narrow else 520,
            "height": 220,
            "data": {"values": values},
            "mark": {"type": "bar"},
            "encoding": {
                "x": {
                    "field": "fiscal_year",
                    "type": "ordinal",
                    "title": "Fiscal year",
                    "axis": {"labelAngle": 0, **(_NARROW_FONT if narrow else {})},
                },
                "y": {
                    "aggregate": "sum",
                    "field": "obligations",
                    "type": "quantitative",
                    "title": None if narrow else "Obligations (USD)",
                    "axis": {**MONEY_AXIS, **(_NARROW_FONT if narrow else {})},
                },
                "color": {
                    "field": "agency",
                    "type": "nominal",
                    "title": None,
                    "legend": {"labelFontSize": 13, "labelLimit": NARROW, "direction": "vertical"}
                    if narrow
                    else {},
                },
            },
        }
    )


def horizontal_bars(
    rows: list[dict[str, Any]],
    *,
    label: str,
    value: str,
    title: str,
    axis_title: str,
    narrow: bool = False,
) -> str:
    """One bar per row, largest at the top. On a phone each label sits above its bar, at full
    size, so long company names need no squeezing beside the bars."""
    values = [{"label": str(r[label]), "value": float(r[value] or 0)} for r in rows]
    x = {
        "field": "value",
        "type": "quantitative",
        "title": axis_title,
        "axis": {**MONEY_AXIS, **({"tickCount": 4, **_NARROW_FONT} if narrow else {})},
    }
    y: dict[str, Any] = {"field": "label", "type": "nominal", "sort": "-x", "title": None}
    if not narrow:
        return svg(
            {
                "description": title,
                "title": title,
                "width": 420,
                "height": {"step": 22},
                "data": {"values": values},
                "mark": {"type": "bar", "color": "#1f4e79"},
                "encoding": {"y": y, "x": x},
            }
        )
    return svg(
        {
            "description": title,
            "title": _title(title, narrow),
            "width": NARROW,
            "height": {"step": 38},
            "data": {"values": values},
            "encoding": {
                "y": {**y, "axis": None, "sort": {"field": "value", "order": "descending"}}
            },
            "layer": [
                {
                    "mark": {"type": "bar", "color": "#1f4e79", "height": 12, "yOffset": 9},
                    "encoding": {"x": x},
                },
                {
                    "mark": {
                        "type": "text",
                        "align": "left",
                        "baseline": "middle",
                        "dy": -7,
                        "fontSize": 13,
                        "limit": NARROW,
                    },
                    "encoding": {"text": {"field": "label"}, "x": {"value": 0}},
                },
            ],
        }
    )


def _cumulative_y(narrow: bool) -> dict[str, Any]:
    return {
        "field": "cumulative",
        "type": "quantitative",
        "title": None if narrow else "Cumulative obligations (USD)",
        "axis": {**MONEY_AXIS, **(_NARROW_FONT if narrow else {})},
    }


def _time_axis(days: list[str], narrow: bool) -> dict[str, Any]:
    """Years on a long span, month and year on a short one: never a bare "April"."""
    span = (date.fromisoformat(max(days)[:10]) - date.fromisoformat(min(days)[:10])).days
    font = _NARROW_FONT if narrow else {}
    if span > 730:
        return {"format": "%Y", "tickCount": {"interval": "year", "step": 1}, **font}
    return {"format": "%b %Y", "tickCount": 3 if narrow else 5, "labelOverlap": True, **font}


def _as_of_rule(day: str, narrow: bool) -> dict[str, Any]:
    """A dashed line on the day asked about, labelled with the day in words."""
    return {
        "data": {"values": [{"day": day, "label": f"as of {human_day(day)}"}]},
        "layer": [
            {
                "mark": {"type": "rule", "color": "#c55a11", "strokeDash": [4, 3], "size": 2},
                "encoding": {"x": {"field": "day", "type": "temporal"}},
            },
            {
                "mark": {
                    "type": "text",
                    "color": "#8a3b0b",
                    "align": "left",
                    "dx": 4,
                    "baseline": "top",
                    "y": 2,
                    "fontSize": 13 if narrow else 11,
                },
                "encoding": {"x": {"field": "day", "type": "temporal"}, "text": {"field": "label"}},
            },
        ],
    }


def cumulative(
    points: list[dict[str, Any]], *, title: str, as_of: str | None = None, narrow: bool = False
) -> str:
    """A step line of an award's running obligations, one step per action; with ``as_of``, a
    dashed line on that day."""
    days = [str(p["date"]) for p in points] + ([as_of] if as_of else [])
    line = {
        "data": {"values": points},
        "mark": {"type": "line", "interpolate": "step-after", "point": True, "color": "#1f4e79"},
        "encoding": {
            "x": {"field": "date", "type": "temporal", "title": None if narrow else "Action date",
                  "axis": _time_axis(days, narrow)},
            "y": _cumulative_y(narrow),
        },
    }  # fmt: skip
    return svg(
        {
            "description": title,
            "title": _title(title, narrow),
            "width": NARROW - 60 if narrow else 520,
            "height": 180,
            "layer": [line, *([_as_of_rule(as_of, narrow)] if as_of else [])],
        }
    )


def cumulative_as_of(
    points: list[dict[str, Any]], day: str, *, title: str, narrow: bool = False
) -> str:
    """The running total month by month, with a rule on the day asked about: what had been
    obligated by then, and what came after."""
    days = [str(p["month"]) for p in points] + [day]
    return svg(
        {
            "description": title,
            "title": _title(title, narrow),
            "width": NARROW - 60 if narrow else 520,
            "height": 180,
            "layer": [
                {
                    "data": {"values": points},
                    "mark": {"type": "line", "interpolate": "step-after", "color": "#1f4e79"},
                    "encoding": {
                        "x": {
                            "field": "month",
                            "type": "temporal",
                            "title": None,
                            "axis": _time_axis(days, narrow),
                        },
                        "y": _cumulative_y(narrow),
                    },
                },
                _as_of_rule(day, narrow),
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
            "encoding": {"x": {**x, "field": "month", "title": None}, "y": _cumulative_y(False)},
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


_COMPETITION_ORDER = ["not competed", "competed", "unknown"]
_COMPETITION_COLOURS = ["#c55a11", "#1f4e79", "#bfbfbf"]


def competition_trend(years: list[dict[str, Any]], *, title: str, narrow: bool = False) -> str:
    """Two stacked bar panels per fiscal year: awards and their obligations, by competition
    (not competed first, unknown in grey: neither competed nor not)."""
    values = [
        {
            "fiscal_year": str(y["fiscal_year"]),
            "competition": label,
            "awards": int(y[key]),
            "obligated": float(y[f"{key}_obligated"] or 0),
        }
        for y in years
        for key, label in (
            ("not_competed", "not competed"), ("competed", "competed"), ("unknown", "unknown")
        )
        if int(y[key])
    ]  # fmt: skip
    font = _NARROW_FONT if narrow else {}
    x = {
        "field": "fiscal_year",
        "type": "ordinal",
        "title": None,
        "axis": {"labelAngle": -90 if narrow or len(years) > 12 else 0, **font},
    }
    color = {
        "field": "competition",
        "type": "nominal",
        "title": None,
        "scale": {"domain": _COMPETITION_ORDER, "range": _COMPETITION_COLOURS},
    }
    order = {"field": "_order", "type": "quantitative"}

    def panel(field: str, axis_title: str, money: bool) -> dict[str, Any]:
        y = {
            "field": field,
            "type": "quantitative",
            "aggregate": "sum",
            "title": axis_title,
            "axis": {**(MONEY_AXIS if money else {"tickMinStep": 1, "format": "d"}), **font},
        }
        return {
            "width": NARROW - 60 if narrow else 520,
            "height": 150,
            "mark": {"type": "bar"},
            "transform": [
                {
                    "calculate": "indexof(['not competed', 'competed', 'unknown'], "
                    "datum.competition)",
                    "as": "_order",
                }
            ],
            "encoding": {"x": x, "y": y, "color": color, "order": order},
        }

    return svg(
        {
            "description": title,
            "title": _title(title, narrow),
            "data": {"values": values},
            "vconcat": [panel("awards", "Awards", False), panel("obligated", "Obligated", True)],
        }
    )
