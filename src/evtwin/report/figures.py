"""The report's figures as Plotly figures, one builder each, shared by every output.

The HTML report embeds them; ``evtwin report --png`` draws each to a PNG file named
for it and ``--pdf`` prints the HTML report. Each figure is drawn from the card's own
data and, for the range distributions, from the claims check's stored draws. A
section with nothing to draw (no claims check, no off-road scorecard) has no figure:
:func:`report_figures` leaves its name out and the HTML says why instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .card import BREAKDOWN_TERMS, Card

if TYPE_CHECKING:
    import plotly.graph_objects as go

#: Colours by test, shared by the charts.
_TEST_COLOURS = {"wltp": "#1f77b4", "epa": "#ff7f0e", "winter_motorway": "#2ca02c"}

#: Every figure the report can hold, in the order the report shows them. The names are
#: the HTML report's div ids and the PNG files' names.
FIGURE_NAMES = (
    "range-distributions",
    "energy-breakdown",
    "rivals-wltp",
    "real-world",
    "charging-curve",
    "offroad-scorecard",
)


def _num(x: float | None, digits: int = 0) -> str:
    return "-" if x is None or not np.isfinite(x) else f"{x:,.{digits}f}"


def range_distributions(card: Card) -> go.Figure | None:
    """Histograms of each test's range over the claims check's draws, claims shaded."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from ..study.claims import TESTS
    from ..study.store import columns
    from ..units import MILE

    cc = card.claims_check
    if cc is None:
        return None
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
    # The subplot titles (the tests' labels) are long for a third of a printed page.
    fig.update_annotations(font_size=13)
    return fig


def energy_breakdown(card: Card) -> go.Figure:
    """Where each vehicle's WLTC energy goes, term by term, stacked."""
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
    return fig


def rivals_wltp(card: Card) -> go.Figure:
    """evtwin's WLTP range beside the published rating, vehicle by vehicle."""
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
    return fig


def real_world(card: Card) -> go.Figure:
    """Full-to-empty range in each real-world case, cold cases in blue."""
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
    return fig


def charging_curve(spec_id: str) -> go.Figure:
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
    return fig


def offroad_scorecard(card: Card) -> go.Figure | None:
    """Pass (green) or fail (red) of each architecture in each scenario, with its score."""
    import plotly.graph_objects as go

    sc = card.offroad
    if not sc:
        return None
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
    return fig


def report_figures(card: Card) -> dict[str, go.Figure]:
    """Every figure the card has, by name (:data:`FIGURE_NAMES`, in that order)."""
    built = {
        "range-distributions": range_distributions(card),
        "energy-breakdown": energy_breakdown(card),
        "rivals-wltp": rivals_wltp(card),
        "real-world": real_world(card),
        "charging-curve": charging_curve(card.subject.id),
        "offroad-scorecard": offroad_scorecard(card),
    }
    assert tuple(built) == FIGURE_NAMES
    return {name: fig for name, fig in built.items() if fig is not None}


__all__ = [
    "FIGURE_NAMES",
    "charging_curve",
    "energy_breakdown",
    "offroad_scorecard",
    "range_distributions",
    "real_world",
    "report_figures",
    "rivals_wltp",
]
