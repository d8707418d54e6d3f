"""Cycle files: any valid trace survives a CSV round trip; any garbage gives a CycleError."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from evtwin.cycles import Cycle, CycleError
from evtwin.cycles.io import read_cycle
from evtwin.units import KPH, MPH

UNITS = {"speed_mps": 1.0, "speed_kph": KPH, "speed_mph": MPH}
GRADES = {"grade": 1.0, "grade_pct": 0.01}

Trace = tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One directory whose files each example rewrites: hypothesis runs many examples
    per test, and refuses a function-scoped fixture such as tmp_path."""
    return tmp_path_factory.mktemp("cycle_files")


@st.composite
def traces(draw: st.DrawFn) -> Trace:
    """Times [s] (any start, uneven steps), speeds [m/s] and grades [-] of a valid trace."""
    n = draw(st.integers(min_value=2, max_value=60))
    t0 = draw(st.floats(min_value=-1e4, max_value=1e4, allow_nan=False))
    steps = draw(
        st.lists(st.floats(min_value=1e-3, max_value=100.0), min_size=n - 1, max_size=n - 1)
    )
    v = draw(st.lists(st.floats(min_value=0.0, max_value=99.0), min_size=n, max_size=n))
    g = draw(st.lists(st.floats(min_value=-1.0, max_value=1.0), min_size=n, max_size=n))
    return t0 + np.concatenate(([0.0], np.cumsum(steps))), np.array(v), np.array(g)


@settings(deadline=None, max_examples=150)
@given(trace=traces(), speed=st.sampled_from(sorted(UNITS)), grade=st.sampled_from(sorted(GRADES)))
def test_valid_traces_survive_a_csv_round_trip(
    workdir: Path,
    trace: Trace,
    speed: str,
    grade: str,
) -> None:
    t, v, g = trace
    written_v, written_g = v / UNITS[speed], g / GRADES[grade]
    rows = [f"time_s,{speed},{grade}"]
    rows += [
        f"{a!r},{b!r},{c!r}"
        for a, b, c in zip(t.tolist(), written_v.tolist(), written_g.tolist(), strict=True)
    ]
    path = workdir / "trace.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    cycle = read_cycle(path)
    np.testing.assert_array_equal(cycle.time, t)
    np.testing.assert_allclose(cycle.speed, v, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(cycle.grade, g, rtol=1e-9, atol=1e-9)


CELLS = st.sampled_from(
    [
        "",
        " ",
        "0",
        "1",
        "-1",
        "1e400",
        "nan",
        "inf",
        "abc",
        "0.5",
        "1e-3",
        '"',
        "\r",
        "\n",
        ",",
        "\ufeff",
        "\x00",
        "99999",
    ]
)
HEADERS = st.sampled_from(
    [
        "time_s,speed_kph",
        "time_s,speed_mps,elevation_m",
        "time_s,speed_mph,grade_pct,x",
        "time_s,speed_mps,grade",
        "",
    ]
)


def reads_or_refuses(path: Path) -> None:
    """Reading gives a Cycle or a CycleError, never any other exception (or warning)."""
    try:
        result = read_cycle(path)
    except CycleError:
        return
    assert isinstance(result, Cycle)


@settings(deadline=None, max_examples=300)
@given(text=st.text(max_size=400), suffix=st.sampled_from([".csv", ".gpx"]))
def test_garbage_text_only_ever_raises_cycle_error(workdir: Path, text: str, suffix: str) -> None:
    path = workdir / f"garbage{suffix}"
    path.write_text(text, encoding="utf-8")
    reads_or_refuses(path)


@settings(deadline=None, max_examples=200)
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".gpx"]))
def test_garbage_bytes_only_ever_raise_cycle_error(workdir: Path, data: bytes, suffix: str) -> None:
    path = workdir / f"bytes{suffix}"
    path.write_bytes(data)
    reads_or_refuses(path)


@settings(deadline=None, max_examples=300)
@given(header=HEADERS, cells=st.lists(st.lists(CELLS, max_size=5), max_size=8))
def test_garbage_under_a_valid_header_only_ever_raises_cycle_error(
    workdir: Path, header: str, cells: list[list[str]]
) -> None:
    path = workdir / "rows.csv"
    path.write_text("\n".join([header, *(",".join(row) for row in cells)]), encoding="utf-8")
    reads_or_refuses(path)


@settings(deadline=None, max_examples=200)
@given(
    values=st.lists(
        st.tuples(
            st.sampled_from(["0", "45", "-91", "nan", "1e400", "x", ""]),
            st.sampled_from(["0", "7", "181", "-inf", ""]),
            st.sampled_from(["", "<ele>1</ele>", "<ele>nan</ele>", "<ele>20000</ele>", "<ele/>"]),
            st.sampled_from(
                [
                    "",
                    "<time>2024-05-01T10:00:00Z</time>",
                    "<time>2024-05-01T10:00:01Z</time>",
                    "<time>2024-05-01T10:00:01</time>",
                    "<time>2024-05-01T12:00:02+02:00</time>",
                    "<time>2024-05-01T10:00:00.5Z</time>",
                    "<time>later</time>",
                ]
            ),
        ),
        max_size=6,
    )
)
def test_garbage_track_points_only_ever_raise_cycle_error(
    workdir: Path, values: list[tuple[str, str, str, str]]
) -> None:
    points = "".join(f'<trkpt lat="{a}" lon="{b}">{c}{d}</trkpt>' for a, b, c, d in values)
    path = workdir / "points.gpx"
    path.write_text(
        f'<gpx xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>{points}</trkseg></trk></gpx>',
        encoding="utf-8",
    )
    reads_or_refuses(path)
