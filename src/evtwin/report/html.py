"""The headline card as a self-contained HTML report: figures embedded, no network needed.

Every figure is a Plotly chart from :mod:`evtwin.report.figures` (the PNG and PDF
outputs draw the same ones); plotly.js is inlined once, so the file opens offline in
any browser. The numbers in the tables are the card's, to the digits the command line
prints.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .card import Card
from .export import write_atomically
from .figures import report_figures


def _esc(x: object) -> str:
    return html.escape(str(x))


def _table(head: Sequence[str], rows: Iterable[Sequence[object]], cls: str = "") -> str:
    h = "".join(f"<th>{_esc(c)}</th>" for c in head)
    body = "".join("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{h}</tr></thead><tbody>{body}</tbody></table>'


def _num(x: float | None, digits: int = 0) -> str:
    return "-" if x is None or not np.isfinite(x) else f"{x:,.{digits}f}"


def _fig_html(figs: Mapping[str, Any], name: str, missing: str = "") -> str:
    """The figure ``name`` as a div with that id and the call that draws it (plotly.js
    itself is inlined once, in the head), or ``missing`` where the card has nothing to draw."""
    fig = figs.get(name)
    if fig is None:
        return f"<p>{_esc(missing)}</p>"
    return str(fig.to_html(full_html=False, include_plotlyjs=False, div_id=name))


def _claims_tables(card: Card) -> str:
    cc = card.claims_check
    if cc is None:
        return ""
    dist = _table(
        ("test", "5 %", "median", "95 %", "drivers (first-order index, rank correlation)"),
        (
            (
                d.label,
                f"{d.p5:.0f} {d.unit}",
                f"{d.p50:.0f} {d.unit}",
                f"{d.p95:.0f} {d.unit}",
                "; ".join(
                    f"{s.variable} ({s.first_order:.2f}, {s.rank_correlation:+.2f})"
                    for s in d.drivers
                ),
            )
            for d in cc.distributions
        ),
    )
    rows = []
    for c in cc.claims:
        lo = "" if c.low is None else f"{c.low:,.0f}"
        hi = "" if c.high is None else f"{c.high:,.0f}"
        probs = ", ".join(f"{p.test}: {p.probability:.0%}" for p in c.probabilities)
        rows.append((f"{c.quantity} {lo}-{hi}", c.source, c.kind, probs, c.text))
    claims = _table(("claim", "source", "kind", "probability", "as published"), rows)
    return (
        f"<p>{cc.valid:,} consistent draws of {len(cc.unknowns)} uncertain figures "
        f"(of {cc.samples:,}; seed {cc.seed}, {cc.sampler}).</p>{dist}{claims}"
    )


# Printed (``--pdf``, or from a browser) the plots' toolbars are left out and no figure or
# table row is split across two pages.
_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.6em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 3px 7px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } .note { color: #666; font-size: 0.85em; }
@media print {
  .modebar-container { display: none !important; }
  .plotly-graph-div, tr { break-inside: avoid; } h2 { break-after: avoid; }
}
"""


def report_html(card: Card, figs: Mapping[str, Any] | None = None) -> str:
    """The card as one HTML document with plotly.js inlined (works offline); ``figs``
    are :func:`~evtwin.report.figures.report_figures` of the card if already drawn."""
    from plotly.offline import get_plotlyjs

    if figs is None:
        figs = report_figures(card)

    s = card.subject
    head = _table(
        ("figure", "low corner", "nominal", "high corner"),
        (
            (
                "WLTP range",
                f"{card.wltp_range_km.low:.0f} km",
                f"{card.wltp_range_km.nominal:.0f} km",
                f"{card.wltp_range_km.high:.0f} km",
            ),
            (
                "EPA label range",
                f"{card.epa_range_mi.low:.0f} mi",
                f"{card.epa_range_mi.nominal:.0f} mi",
                f"{card.epa_range_mi.high:.0f} mi",
            ),
        ),
    )
    perf: Any = card.performance.get("acceleration", {})
    charging: Any = card.charging
    price: Any = card.money.get("price")
    facts = _table(
        ("figure", "value"),
        (
            ("WLTP consumption (AC)", f"{s.wltp_consumption_kwh_per_100km:.1f} kWh/100 km"),
            ("0-100 km/h", f"{_num(perf.get('accel_0_100_kph_s'), 1)} s"),
            ("0-60 mph (1 ft rollout)", f"{_num(perf.get('accel_0_60_mph_s'), 1)} s"),
            (
                "DC 10-80 %",
                f"{_num(charging.get('time_10_80_min'), 1)} min ({charging.get('charger', '')})",
            ),
            ("real-world headline", f"{_num(card.real_world.get('headline_km'), 0)} km"),  # type: ignore[arg-type]
            ("base price", "-" if price is None else f"GBP {price['total_gbp']:,.0f}"),
        ),
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>evtwin report: {_esc(s.name)}</title>",
        f"<style>{_STYLE}</style>",
        f'<script type="text/javascript">{get_plotlyjs()}</script>',
        "</head><body>",
        f"<h1>{_esc(s.name)}</h1>",
        f'<p class="note">{_esc(s.id)}, {_esc(s.status)}. Made by evtwin from the vehicle '
        "file's figures and their stated ranges; every figure's source is in "
        f"<code>evtwin show {_esc(s.id)}</code>.</p>",
        "<h2>Range over the spec's uncertainty</h2>",
        head,
        facts,
        "<h2>Published claims: how likely each is, test by test</h2>",
        _fig_html(
            figs, "range-distributions", "No claims check (the vehicle file holds no claims)."
        ),
        _claims_tables(card),
        "<h2>Where the energy goes</h2>",
        _fig_html(figs, "energy-breakdown"),
        "<h2>Against the rivals</h2>",
        _fig_html(figs, "rivals-wltp"),
        "<h2>Real-world range</h2>",
        _fig_html(figs, "real-world"),
        "<h2>DC charging</h2>",
        _fig_html(figs, "charging-curve"),
        "<h2>Off road</h2>",
        _fig_html(figs, "offroad-scorecard", "The off-road scorecard was left out."),
        "</body></html>",
    ]
    return "\n".join(parts)


def write_report(card: Card, path: str | Path, figs: Mapping[str, Any] | None = None) -> Path:
    """Write the report, whole or not at all (a temporary file renamed into place)."""
    target = Path(path)
    if target.is_dir():
        raise ValueError(f"--html {target}: is a folder; give a file name")
    if not target.parent.is_dir():
        raise ValueError(f"--html {target}: the folder {target.parent} does not exist")
    write_atomically(report_html(card, figs).encode("utf-8"), target, ".html")
    return target


__all__ = ["report_html", "write_report"]
