"""The headline card as a self-contained HTML report: figures embedded, no network needed.

Every figure is a Plotly chart drawn from the card's own data (``Card.to_dict()``) and,
for the range distributions, from the claims check's stored draws; plotly.js is
inlined once, so the file opens offline in any browser. The numbers in the tables are
the card's, to the digits the command line prints.
"""

from __future__ import annotations

import html
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .card import BREAKDOWN_TERMS, Card

#: Colours by test, shared by the charts.
_TEST_COLOURS = {"wltp": "#1f77b4", "epa": "#ff7f0e", "winter_motorway": "#2ca02c"}


def _esc(x: object) -> str:
    return html.escape(str(x))


def _table(head: Sequence[str], rows: Iterable[Sequence[object]], cls: str = "") -> str:
    h = "".join(f"<th>{_esc(c)}</th>" for c in head)
    body = "".join("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{h}</tr></thead><tbody>{body}</tbody></table>'


def _num(x: float | None, digits: int = 0) -> str:
    return "-" if x is None or not np.isfinite(x) else f"{x:,.{digits}f}"


def _fig_html(fig: Any, div_id: str) -> str:
    return str(fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id))


def _range_distributions(card: Card) -> str:
    """Histograms of each test's range over the claims check's draws, claims shaded."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from ..study.claims import TESTS
    from ..study.store import columns
    from ..units import MILE

    cc = card.claims_check
    if cc is None:
        return "<p>No claims check (the vehicle file holds no claims).</p>"
    cols = columns(cc.store)
    ok = np.array([e is None for e in cols["error"]], dtype=bool)
    fig = make_subplots(rows=1, cols=len(TESTS), subplot_titles=[t.label for t in TESTS])
    for i, t in enumerate(TESTS, start=1):
        miles = cols[t.output][ok].astype(float) * t.to_metres / MILE
        fig.add_trace(
            go.Histogram(
                x=miles, nbinsx=40, name=t.label, marker_color=_TEST_COLOURS[t.name], opacity=0.8
            ),
            row=1,
            col=i,
        )
        for claim in cc.claims:
            if claim.kind != "range" or claim.quantity != "range_mi":
                continue
            fig.add_vrect(
                x0=claim.low if claim.low is not None else float(miles.min()),
                x1=claim.high if claim.high is not None else float(miles.max()),
                fillcolor="grey",
                opacity=0.12,
                line_width=0,
                row=1,
                col=i,
            )
        fig.update_xaxes(title_text="range [mi]", row=1, col=i)
    fig.update_layout(
        height=340, showlegend=False, margin={"t": 40, "b": 40, "l": 40, "r": 10}, bargap=0.02
    )
    return _fig_html(fig, "range-distributions")


def _breakdown(card: Card) -> str:
    import plotly.graph_objects as go

    lines = [card.subject, *card.rivals]
    fig = go.Figure()
    for term in BREAKDOWN_TERMS:
        fig.add_trace(
            go.Bar(
                x=[ln.id for ln in lines],
                y=[ln.breakdown_wh_per_km[term] for ln in lines],
                name=term.replace("_", " "),
            )
        )
    fig.update_layout(
        barmode="stack",
        height=380,
        yaxis_title="Wh/km on the WLTC (nominal specs)",
        margin={"t": 20, "b": 80, "l": 60, "r": 10},
    )
    return _fig_html(fig, "energy-breakdown")


def _rivals(card: Card) -> str:
    import plotly.graph_objects as go

    lines = [card.subject, *card.rivals]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(x=[ln.id for ln in lines], y=[ln.wltp_range_km for ln in lines], name="evtwin WLTP")
    )
    fig.add_trace(
        go.Bar(
            x=[ln.id for ln in lines],
            y=[ln.rated_wltp_range_km for ln in lines],
            name="published WLTP rating",
        )
    )
    fig.update_layout(
        barmode="group",
        height=340,
        yaxis_title="km",
        margin={"t": 20, "b": 80, "l": 60, "r": 10},
    )
    return _fig_html(fig, "rivals-wltp")


def _real_world(card: Card) -> str:
    import plotly.graph_objects as go

    runs = card.real_world.get("runs", [])
    assert isinstance(runs, list)
    fig = go.Figure(
        go.Bar(
            x=[r["case"] for r in runs],
            y=[r["range_km"] for r in runs],
            marker_color=["#4c78a8" if r["temperature_c"] < 10 else "#f58518" for r in runs],
        )
    )
    fig.update_layout(
        height=300,
        yaxis_title="range [km], full to empty",
        margin={"t": 20, "b": 60, "l": 60, "r": 10},
    )
    return _fig_html(fig, "real-world")


def _charging(spec_id: str) -> str:
    """Power against SOC of the card's session (run again for its trace: it is cheap)."""
    import plotly.graph_objects as go

    from ..sim.charging import charge_session
    from ..specs import load_vehicle

    s = charge_session(load_vehicle(spec_id))
    fig = go.Figure(
        go.Scatter(
            x=100.0 * np.asarray(s.soc_displayed), y=np.asarray(s.power_inlet) / 1e3, mode="lines"
        )
    )
    fig.update_layout(
        height=300,
        xaxis_title="displayed state of charge [%]",
        yaxis_title="power at the inlet [kW]",
        margin={"t": 20, "b": 50, "l": 60, "r": 10},
    )
    return _fig_html(fig, "charging-curve")


def _offroad(card: Card) -> str:
    import plotly.graph_objects as go

    sc = card.offroad
    if not sc:
        return "<p>The off-road scorecard was left out.</p>"
    archs = list(sc["architectures"])  # type: ignore[call-overload]
    scen = list(sc["scenarios"])  # type: ignore[call-overload]
    res: Any = sc["results"]
    z = [[1.0 if res[a][s]["passed"] else 0.0 for s in scen] for a in archs]
    text = [
        [f"{_num(res[a][s]['score'], 2)} {res[a][s]['score_unit']}" for s in scen] for a in archs
    ]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=scen,
            y=archs,
            text=text,
            texttemplate="%{text}",
            colorscale=[[0, "#f4a6a6"], [1, "#a6d8a6"]],
            showscale=False,
            zmin=0,
            zmax=1,
        )
    )
    fig.update_layout(height=320, margin={"t": 20, "b": 80, "l": 200, "r": 10})
    return _fig_html(fig, "offroad-scorecard")


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


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.6em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 3px 7px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } .note { color: #666; font-size: 0.85em; }
"""


def report_html(card: Card) -> str:
    """The card as one HTML document with plotly.js inlined (works offline)."""
    from plotly.offline import get_plotlyjs

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
        _range_distributions(card),
        _claims_tables(card),
        "<h2>Where the energy goes</h2>",
        _breakdown(card),
        "<h2>Against the rivals</h2>",
        _rivals(card),
        "<h2>Real-world range</h2>",
        _real_world(card),
        "<h2>DC charging</h2>",
        _charging(s.id),
        "<h2>Off road</h2>",
        _offroad(card),
        "</body></html>",
    ]
    return "\n".join(parts)


def write_report(card: Card, path: str | Path) -> Path:
    """Write the report, whole or not at all (a temporary file renamed into place)."""
    target = Path(path)
    if target.is_dir():
        raise ValueError(f"--html {target}: is a folder; give a file name")
    if not target.parent.is_dir():
        raise ValueError(f"--html {target}: the folder {target.parent} does not exist")
    text = report_html(card)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".report-", suffix=".html")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


__all__ = ["report_html", "write_report"]
