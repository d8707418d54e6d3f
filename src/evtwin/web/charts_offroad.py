"""Plotly figures of the off-road page: pure functions of the library's results.

- :func:`geometry_figure`: the side view at a ride height, with the approach,
  breakover and departure planes drawn through their critical points;
- :func:`scorecard_figure`: pass/fail and score of each scenario per architecture;
- :func:`playback_figure`: a scenario's time traces with a time cursor.

Lengths are metres inside (the library's side-view frame: ``x`` forwards from the
front axle, ``z`` up from the ground); display units are converted here, at the edge.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go
from numpy.typing import NDArray
from plotly.subplots import make_subplots

from ..physics.geometry import tangent_angle
from ..sim.geometry import GeometryResult
from ..sim.offroad import OffroadResult
from ..units import KPH

_MARGIN = {"l": 50, "r": 20, "t": 40, "b": 40}
#: Gap between a tyre and its wheel arch in the schematic body [m].
ARCH_GAP_M = 0.06
#: Radius of the arcs that mark the angles [m].
ARC_RADIUS_M = 0.45
#: Colours of the three angles.
ANGLE_COLOURS = {"approach": "#d62728", "breakover": "#9467bd", "departure": "#1f77b4"}
WHEELS = ("FL", "FR", "RL", "RR")
_WHEEL_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728")


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": 14}},
        height=height,
        margin=_MARGIN,
        template="plotly_white",
    )
    return fig


# --- geometry ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AngleLine:
    """A plane of an angle in side view: from where it meets the ground to past the
    critical point, at ``angle_deg`` to the ground."""

    name: str
    angle_deg: float
    ground: tuple[float, float]  #: (x, z) on the ground [m]
    end: tuple[float, float]  #: (x, z) past the critical point [m]


def _plane(name: str, point: tuple[float, float], angle: float, forwards: bool) -> AngleLine:
    """The plane through ``point`` rising at ``angle`` [rad] forwards (or backwards),
    drawn from the ground to a little past the point."""
    x, z = point
    run = z / math.tan(angle)
    sign = 1.0 if forwards else -1.0
    ground = (x - sign * run, 0.0)
    past = 1.3 * ARC_RADIUS_M
    end = (x + sign * past * math.cos(angle), z + past * math.sin(angle))
    return AngleLine(name, math.degrees(angle), ground, end)


def angle_lines(g: GeometryResult) -> dict[str, AngleLine]:
    """The approach and departure planes, and the two planes of the breakover ridge.

    Each plane is the ISO 612 one: tangent to the tyre and through the critical point,
    so it meets the ground just outside the contact patch (``r tan(a / 2)`` from it),
    not at it. The breakover angle is the sum of its two planes' slopes.
    """
    r, wb = g.tyre_radius_m, g.wheelbase_m
    out = {
        "approach": _plane("approach", g.approach_point_m, math.radians(g.approach_deg), True),
        "departure": _plane("departure", g.departure_point_m, math.radians(g.departure_deg), False),
    }
    bx, bz = g.breakover_point_m
    # Each half of the ridge: the plane through the point tangent to one tyre
    # (physics.geometry.breakover_angle adds the two).
    front = float(tangent_angle(r, -bx, bz))
    rear = float(tangent_angle(r, wb + bx, bz))
    # The front half falls towards the front tyre: it "rises backwards" to the point.
    out["breakover_front"] = _plane("breakover_front", (bx, bz), front, False)
    out["breakover_rear"] = _plane("breakover_rear", (bx, bz), rear, True)
    return out


def slope_deg(line: AngleLine) -> float:
    """The angle of a drawn line to the ground [deg] (what a reader measures)."""
    dx = abs(line.end[0] - line.ground[0])
    dz = line.end[1] - line.ground[1]
    return math.degrees(math.atan2(dz, dx))


def _arc(
    centre: tuple[float, float], start: float, stop: float, radius: float = ARC_RADIUS_M
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    t = np.linspace(start, stop, 24)
    return centre[0] + radius * np.cos(t), centre[1] + radius * np.sin(t)


def body_outline(
    g: GeometryResult, height_m: float | None
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """A schematic closed body outline in side view [m].

    The lower edge is the spec's: the overhang points, wheel arches over the tyres and
    the underbody between them (flat beyond its outermost points, as a flat pack is).
    The upper body is not in any spec: a generic SUV shape of the body's height.
    Everything on the body rises with the ride-height offset; the wheels do not.
    """
    p = g.profile
    r, wb, off = g.tyre_radius_m, g.wheelbase_m, g.offset_m
    ox, oz = p["outline_x"], p["outline_z"]
    front = [(float(x), float(z)) for x, z in zip(ox, oz, strict=True) if x > 0.0]
    under = [(float(x), float(z)) for x, z in zip(ox, oz, strict=True) if -wb < x <= 0.0]
    rear = [(float(x), float(z)) for x, z in zip(ox, oz, strict=True) if x <= -wb]
    ra = r + ARCH_GAP_M
    arch_z = r + off
    xs: list[float] = []
    zs: list[float] = []

    def add(points: Sequence[tuple[float, float]]) -> None:
        for x, z in points:
            xs.append(x)
            zs.append(z)

    add(front)
    ax, az = _arc((0.0, arch_z), 0.0, math.pi, ra)
    add(list(zip(ax.tolist(), az.tolist(), strict=True)))
    if under:
        add([(-ra - 0.05, under[0][1]), *under, (-wb + ra + 0.05, under[-1][1])])
    ax, az = _arc((-wb, arch_z), 0.0, math.pi, ra)
    add(list(zip(ax.tolist(), az.tolist(), strict=True)))
    add(rear)
    if height_m is not None:
        xf, zf = front[0]
        xr, zr = rear[-1]
        length = xf - xr
        top = height_m + off
        upper = [
            (xr, max(zr, 0.55 * top)),
            (xr + 0.03 * length, 0.93 * top),
            (xr + 0.08 * length, top),
            (xf - 0.36 * length, top),
            (xf - 0.2 * length, 0.72 * top),
            (xf - 0.02 * length, 0.62 * top),
            (xf, 0.52 * top),
            (xf, zf),
        ]
        add(upper)
    else:
        add([front[0]])
    return np.array(xs), np.array(zs)


def geometry_figure(
    g: GeometryResult, height_m: float | None, title: str = "Side view"
) -> go.Figure:
    """The side view: schematic body, wheels, ground, and the three angles' planes with
    arcs labelled in degrees. Traces are named (``approach``, ``breakover_front``...)."""
    fig = go.Figure()
    bx, bz = body_outline(g, height_m)
    fig.add_trace(
        go.Scatter(
            x=bx,
            y=bz,
            name="body (schematic)",
            mode="lines",
            fill="toself",
            fillcolor="rgba(0, 90, 60, 0.12)",
            line={"color": "#005a3c", "width": 2},
            hoverinfo="skip",
        )
    )
    p = g.profile
    for wheel in ("front", "rear"):
        fig.add_trace(
            go.Scatter(
                x=p[f"{wheel}_wheel_x"],
                y=p[f"{wheel}_wheel_z"],
                name=f"{wheel} wheel",
                mode="lines",
                fill="toself",
                fillcolor="rgba(40, 40, 40, 0.55)",
                line={"color": "#222", "width": 1},
                hoverinfo="skip",
            )
        )
    lines = angle_lines(g)
    xs = [lp for ln in lines.values() for lp in (ln.ground[0], ln.end[0])]
    x_lo, x_hi = min(*xs, float(np.min(bx))) - 0.2, max(*xs, float(np.max(bx))) + 0.2
    fig.add_trace(
        go.Scatter(
            x=[x_lo, x_hi], y=[0.0, 0.0], name="ground", mode="lines", line={"color": "#888"}
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[0.0, -g.wheelbase_m],
            y=[0.0, 0.0],
            name="contact patches",
            mode="markers",
            marker={"color": "#222", "size": 7, "symbol": "triangle-up"},
        )
    )
    for ln in lines.values():
        colour = ANGLE_COLOURS[ln.name.split("_")[0]]
        fig.add_trace(
            go.Scatter(
                x=[ln.ground[0], ln.end[0]],
                y=[ln.ground[1], ln.end[1]],
                name=ln.name,
                mode="lines",
                line={"color": colour, "width": 2, "dash": "dash"},
                hovertemplate=f"{ln.name.replace('_', ' ')}: {ln.angle_deg:.1f}°<extra></extra>",
            )
        )
    _angle_marks(fig, g, lines)
    crit = (g.approach_point_m, g.breakover_point_m, g.departure_point_m)
    fig.add_trace(
        go.Scatter(
            x=[c[0] for c in crit],
            y=[c[1] for c in crit],
            name="critical points",
            mode="markers",
            marker={"color": "#000", "size": 8},
            text=[g.approach_point, g.breakover_point, g.departure_point],
            hovertemplate="%{text}<br>x %{x:.3f} m, z %{y:.3f} m<extra></extra>",
        )
    )
    top = float(np.max(bz))
    fig.update_xaxes(range=[x_lo, x_hi], title_text="from the front axle [m]", zeroline=False)
    fig.update_yaxes(
        range=[-0.25, top + 0.25],
        title_text="height [m]",
        scaleanchor="x",
        scaleratio=1,
        zeroline=False,
    )
    fig.update_layout(showlegend=False)
    return _layout(fig, title, 380)


def _angle_marks(fig: go.Figure, g: GeometryResult, lines: Mapping[str, AngleLine]) -> None:
    """An arc and a label in degrees for each angle."""
    a, d = lines["approach"], lines["departure"]
    bf, br = lines["breakover_front"], lines["breakover_rear"]
    arcs = {
        "approach": (a.ground, 0.0, math.radians(a.angle_deg), g.approach_deg),
        "departure": (
            d.ground,
            math.pi - math.radians(d.angle_deg),
            math.pi,
            g.departure_deg,
        ),
        # Between the front half (falling forwards) and the rear half carried on past
        # the crest: the ridge's departure from flat, which is the breakover angle.
        "breakover": (
            g.breakover_point_m,
            -math.radians(bf.angle_deg),
            math.radians(br.angle_deg),
            g.breakover_deg,
        ),
    }
    for name, (centre, start, stop, value) in arcs.items():
        x, z = _arc(centre, start, stop)
        fig.add_trace(
            go.Scatter(
                x=x,
                y=z,
                name=f"{name} arc",
                mode="lines",
                line={"color": ANGLE_COLOURS[name], "width": 2},
                hoverinfo="skip",
            )
        )
        # Labels below the ground, under their arcs, clear of the lines.
        fig.add_annotation(
            x=centre[0],
            y=-0.12,
            text=f"{name} {value:.1f}°",
            showarrow=False,
            font={"color": ANGLE_COLOURS[name], "size": 12},
        )


# --- scorecard ---------------------------------------------------------------------------


def _score_text(cell: Mapping[str, Any], show_mode: bool) -> str:
    score = cell.get("score")
    value = "-" if score is None or not math.isfinite(score) else f"{score:.2f}"
    text = f"{value} {cell.get('score_unit', '')}".strip()
    text += " ✓" if cell.get("passed") else " ✗"
    if show_mode:
        text += f"<br>{str(cell.get('mode', '')).replace('_', ' ')}"
    return text


def scorecard_figure(
    results: Mapping[str, Mapping[str, Mapping[str, Any]]],
    architectures: Sequence[str],
    scenarios: Sequence[str],
    arch_names: Mapping[str, str],
    scenario_names: Mapping[str, str],
    show_mode: bool = False,
) -> go.Figure:
    """Pass (green) or fail (red) of each scenario (column) per architecture (row), the
    score in the cell; a cell not yet run is blank. ``results[arch][scenario]`` holds
    ``OffroadResult.to_dict()`` (the API's and ``evtwin offroad --json``'s shape)."""
    z: list[list[float | None]] = []
    text: list[list[str]] = []
    for a in architectures:
        row_z: list[float | None] = []
        row_t: list[str] = []
        for s in scenarios:
            cell = results.get(a, {}).get(s)
            row_z.append(None if cell is None else (1.0 if cell["passed"] else 0.0))
            row_t.append("…" if cell is None else _score_text(cell, show_mode))
        z.append(row_z)
        text.append(row_t)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[scenario_names.get(s, s) for s in scenarios],
            y=[arch_names.get(a, a) for a in architectures],
            text=text,
            texttemplate="%{text}",
            textfont={"size": 10},
            colorscale=[[0, "#f4a6a6"], [1, "#a6d8a6"]],
            showscale=False,
            zmin=0,
            zmax=1,
            xgap=2,
            ygap=2,
            hovertemplate="%{y}<br>%{x}<br>%{text}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(tickangle=-30)
    return _layout(fig, "Scenario scores (green: pass, red: fail)", 200 + 60 * len(architectures))


# --- playback ----------------------------------------------------------------------------


def trace_values(result: OffroadResult, t_s: float) -> dict[str, float]:
    """The traces' values at the recorded instant nearest ``t_s``, in display units."""
    time_s = result.time_s
    if time_s.size == 0:
        return {}
    i = int(np.clip(np.searchsorted(time_s, t_s), 0, time_s.size - 1))
    if i > 0 and abs(time_s[i - 1] - t_s) <= abs(time_s[i] - t_s):
        i -= 1
    out = {"time_s": float(time_s[i]), "speed_kph": float(result.speed_mps[i]) / KPH}
    for k, w in enumerate(WHEELS):
        out[f"slip_{w}"] = float(result.slip[k, i])
        out[f"load_{w}_kn"] = float(result.normal_load_n[k, i]) / 1e3
        out[f"brake_{w}_knm"] = float(result.brake_torque_nm[k, i]) / 1e3
    out["drive_front_knm"] = float(result.drive_torque_nm[0, i]) / 1e3
    out["drive_rear_knm"] = float(result.drive_torque_nm[1, i]) / 1e3
    return out


#: The playback's panels: (title, unit).
PANELS = (
    ("speed over the ground", "km/h"),
    ("wheel slip", "-"),
    ("drive torque per axle (solid), brake torque per wheel (dotted)", "kN m"),
    ("normal load per wheel", "kN"),
)


def playback_figure(result: OffroadResult, t_s: float = 0.0) -> go.Figure:
    """Speed, slip, torques and wheel loads against time, a cursor at ``t_s``
    (``layout.shapes[0]``, moved by relayout without resending the traces)."""
    fig = make_subplots(
        rows=len(PANELS),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.05,
        subplot_titles=[f"{t} [{u}]" for t, u in PANELS],
    )
    t = result.time_s
    fig.add_trace(
        go.Scatter(x=t, y=result.speed_mps / KPH, name="speed", line={"color": "#005a3c"}),
        row=1,
        col=1,
    )
    for k, w in enumerate(WHEELS):
        c = _WHEEL_COLOURS[k]
        fig.add_trace(
            go.Scatter(x=t, y=result.slip[k], name=f"slip {w}", line={"color": c}), row=2, col=1
        )
        fig.add_trace(
            go.Scatter(
                x=t,
                y=result.brake_torque_nm[k] / 1e3,
                name=f"brake {w}",
                line={"color": c, "dash": "dot"},
            ),
            row=3,
            col=1,
        )
        fig.add_trace(
            go.Scatter(x=t, y=result.normal_load_n[k] / 1e3, name=f"load {w}", line={"color": c}),
            row=4,
            col=1,
        )
    for k, axle in enumerate(("front", "rear")):
        fig.add_trace(
            go.Scatter(
                x=t,
                y=result.drive_torque_nm[k] / 1e3,
                name=f"drive {axle}",
                line={"color": ("#444", "#999")[k]},
            ),
            row=3,
            col=1,
        )
    fig.add_shape(
        type="line",
        x0=t_s,
        x1=t_s,
        xref="x",
        y0=0,
        y1=1,
        yref="paper",
        line={"color": "#000", "width": 1.5},
    )
    fig.update_xaxes(title_text="time [s]", row=len(PANELS), col=1)
    fig.update_layout(legend={"orientation": "h", "y": -0.08}, hovermode="x unified")
    return _layout(fig, f"{result.scenario_name}: {result.architecture}, {result.mode}", 720)


__all__ = [
    "ANGLE_COLOURS",
    "PANELS",
    "WHEELS",
    "AngleLine",
    "angle_lines",
    "body_outline",
    "geometry_figure",
    "playback_figure",
    "scorecard_figure",
    "slope_deg",
    "trace_values",
]
