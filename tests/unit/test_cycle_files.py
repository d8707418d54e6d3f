"""Users' speed traces from CSV and GPX files: good files read right, bad ones say why."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

from evtwin.cycles import Cycle, CycleError, load_cycle
from evtwin.cycles import gpx as gpx_module
from evtwin.cycles.csv_io import grade_from_elevation, read_cycle_csv
from evtwin.cycles.gpx import (
    EARTH_RADIUS,
    haversine_distance,
    read_cycle_gpx,
    smoothed_grade,
)
from evtwin.cycles.io import read_cycle
from evtwin.units import KPH, MPH

#: One arc-second of latitude on the haversine sphere [m] (about 30.87 m).
ARC_SECOND = EARTH_RADIUS * math.pi / (180.0 * 3600.0)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def write_cycle_csv(cycle: Cycle, path: Path) -> None:
    """The shipped format; repr() writes each float so that it reads back exactly."""
    lines = ["time_s,speed_mps,grade"]
    lines += [
        f"{t!r},{v!r},{g!r}"
        for t, v, g in zip(
            cycle.time.tolist(), cycle.speed.tolist(), cycle.grade.tolist(), strict=True
        )
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- CSV: good files ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "unit"), [("speed_mps", 1.0), ("speed_kph", KPH), ("speed_mph", MPH)]
)
def test_csv_speed_units_convert_to_mps(tmp_path: Path, column: str, unit: float) -> None:
    path = write(tmp_path, "trace.csv", f"time_s,{column}\n0,0\n1,36\n2.5,72.5\n")
    cycle = read_cycle_csv(path)
    np.testing.assert_allclose(cycle.speed, np.array([0.0, 36.0, 72.5]) * unit, rtol=1e-15)
    np.testing.assert_array_equal(cycle.time, [0.0, 1.0, 2.5])  # not 1 Hz: kept as is
    np.testing.assert_array_equal(cycle.grade, 0.0)
    assert cycle.name == "trace"
    assert cycle.source == str(path)


def test_csv_kph_example_is_ten_mps(tmp_path: Path) -> None:
    cycle = read_cycle_csv(write(tmp_path, "a.csv", "time_s,speed_kph\n0,36\n1,36\n"))
    np.testing.assert_allclose(cycle.speed, 10.0, rtol=1e-15)


@pytest.mark.parametrize(
    ("column", "cell", "grade"), [("grade", "0.05", 0.05), ("grade_pct", "5", 0.05)]
)
def test_csv_grade_columns(tmp_path: Path, column: str, cell: str, grade: float) -> None:
    path = write(tmp_path, "g.csv", f"time_s,speed_mps,{column}\n0,1,{cell}\n1,1,-{cell}\n")
    np.testing.assert_allclose(read_cycle_csv(path).grade, [grade, -grade], rtol=1e-15)


def test_csv_elevation_on_a_steady_climb(tmp_path: Path) -> None:
    # 10 m/s for 4 s: 10 m a second, rising 0.5 m a second, is a 5 % grade throughout.
    text = "time_s,speed_mps,elevation_m\n0,10,100\n1,10,100.5\n2,10,101\n3,10,101.5\n4,10,102\n"
    np.testing.assert_allclose(read_cycle_csv(write(tmp_path, "e.csv", text)).grade, 0.05)


def test_csv_elevation_central_difference_by_hand(tmp_path: Path) -> None:
    # Trapezoidal distance: 0, (0+2)/2 = 1, 1 + (2+4)/2 = 4 m.
    # Grade: ends one-sided 0.1/1 and 0.4/3; middle central 0.5/4.
    text = "time_s,speed_mps,elevation_m\n0,0,0\n1,2,0.1\n2,4,0.5\n"
    grade = read_cycle_csv(write(tmp_path, "e.csv", text)).grade
    np.testing.assert_allclose(grade, [0.1, 0.125, 0.4 / 3.0], rtol=1e-12)


def test_csv_elevation_at_standstill_uses_the_distance_floor(tmp_path: Path) -> None:
    # No distance at all: each rise is divided by the 1 m floor, not by zero.
    text = "time_s,speed_mps,elevation_m\n0,0,0\n1,0,0.02\n2,0,0.04\n"
    grade = read_cycle_csv(write(tmp_path, "e.csv", text)).grade
    np.testing.assert_allclose(grade, [0.02, 0.04, 0.02], rtol=1e-12)


def test_grade_from_elevation_two_samples() -> None:
    g = grade_from_elevation(np.array([0.0, 20.0]), np.array([5.0, 6.0]))
    np.testing.assert_allclose(g, [0.05, 0.05])


def test_csv_tolerates_bom_crlf_blank_tail_extra_columns_and_header_case(tmp_path: Path) -> None:
    text = '\ufeff Time_s , note ,SPEED_KPH\r\n0,start,0\r\n1,,18\r\n2,"a, b",36\r\n\r\n\r\n,,\r\n'
    cycle = read_cycle_csv(write(tmp_path, "bom.csv", text), name="mine")
    assert cycle.name == "mine"
    np.testing.assert_allclose(cycle.speed, [0.0, 5.0, 10.0], rtol=1e-15)
    assert "speed_kph" in cycle.note


def test_csv_round_trip_of_a_shipped_cycle(tmp_path: Path) -> None:
    udds = load_cycle("udds")
    path = tmp_path / "udds_copy.csv"
    write_cycle_csv(udds, path)
    back = read_cycle_csv(path)
    np.testing.assert_array_equal(back.time, udds.time)
    np.testing.assert_array_equal(back.speed, udds.speed)
    np.testing.assert_array_equal(back.grade, udds.grade)
    assert back.distance == udds.distance


# --- CSV: bad files -------------------------------------------------------------------

BAD_CSV: list[tuple[str, str, str]] = [
    # (case, file text, pattern the message must match after the file name)
    ("whitespace only", "  \n\n", r"the file is empty"),
    ("only empty cells", ",,\n,,\n", r"the file is empty"),
    ("no header", "0,0\n1,2\n", r"no header: line 1 holds numbers"),
    ("no time column", "t,speed_kph\n0,0\n1,1\n", r"line 1: no time column: expected 'time_s'"),
    ("no speed column", "time_s,foo\n0,0\n1,1\n", r"line 1: no speed column"),
    (
        "speed without unit",
        "time_s,speed\n0,0\n1,1\n",
        r"line 1: no speed column: expected 'speed_mps' or 'speed_kph' or 'speed_mph'",
    ),
    (
        "two speed columns",
        "time_s,speed_kph,speed_mph\n0,0,0\n1,1,1\n",
        r"line 1: ambiguous speed: 'speed_kph' \(column 2\) and 'speed_mph' \(column 3\)",
    ),
    (
        "two grade columns",
        "time_s,speed_kph,grade,elevation_m\n0,0,0,0\n1,1,0,0\n",
        r"line 1: ambiguous grade: 'grade' \(column 3\) and 'elevation_m' \(column 4\)",
    ),
    (
        "time column twice",
        "time_s,speed_mps,time_s\n0,0,0\n1,1,1\n",
        r"line 1: ambiguous time: 'time_s' \(column 1\) and 'time_s' \(column 3\)",
    ),
    (
        "semicolons",
        "time_s;speed_kph\n0;0\n1;1\n",
        r"line 1: no time column.*separator must be a comma",
    ),
    ("no data rows", "time_s,speed_kph\n", r"a trace needs at least 2 data rows; the file has 0"),
    (
        "one data row",
        "time_s,speed_kph\n0,0\n\n",
        r"a trace needs at least 2 data rows; the file has 1",
    ),
    (
        "text cell",
        "time_s,speed_kph\n0,0\n1,fast\n",
        r"line 3, column 'speed_kph': 'fast' is not a number",
    ),
    ("empty cell", "time_s,speed_kph\n0,0\n,1\n", r"line 3, column 'time_s': the cell is empty"),
    (
        "NaN",
        "time_s,speed_kph\n0,0\n1,NaN\n",
        r"line 3, column 'speed_kph': 'NaN' is not a finite number",
    ),
    ("inf", "time_s,speed_kph\n0,0\n-inf,1\n", r"line 3, column 'time_s': '-inf' is not a finite"),
    (
        "overflow",
        "time_s,speed_kph\n0,0\n1,1e999\n",
        r"line 3, column 'speed_kph': '1e999' is too large",
    ),
    (
        "underscore",
        "time_s,speed_kph\n0,0\n1,1_0\n",
        r"line 3, column 'speed_kph': '1_0' is not a number",
    ),
    (
        "negative speed",
        "time_s,speed_mph\n0,0\n1,-2\n",
        r"line 3, column 'speed_mph': speed -2 is negative",
    ),
    (
        "repeated time",
        "time_s,speed_kph\n0,0\n1,1\n1,2\n",
        r"line 4, column 'time_s': 1 s is not after 1 s on line 3; time must increase",
    ),
    (
        "time going back",
        "time_s,speed_kph\n0,0\n2,1\n1,2\n",
        r"line 4, column 'time_s'.*must increase",
    ),
    ("absurd time", "time_s,speed_kph\n0,0\n1e300,1\n", r"line 3, column 'time_s'.*out of range"),
    (
        "too fast",
        "time_s,speed_mps\n0,0\n1,130\n",
        r"line 3, column 'speed_mps': speed 130 is faster",
    ),
    (
        "grade over 1",
        "time_s,speed_kph,grade\n0,0,0\n1,1,5\n",
        r"line 3, column 'grade': grade 5 is steeper",
    ),
    (
        "grade_pct over 100",
        "time_s,speed_kph,grade_pct\n0,0,0\n1,1,-120\n",
        r"line 3, column 'grade_pct': grade -120 % is steeper than 100 %",
    ),
    (
        "elevation cliff",
        "time_s,speed_mps,elevation_m\n0,1,0\n1,1,0\n2,1,10\n",
        r"line 3, column 'elevation_m': the elevation gives a grade of 5 here",
    ),
    (
        "elevation in feet of a high road",
        "time_s,speed_mps,elevation_m\n0,1,0\n1,1,15000\n",
        r"line 3, column 'elevation_m': elevation 15000 m is outside",
    ),
    (
        "blank line inside",
        "time_s,speed_kph\n0,0\n\n1,1\n",
        r"line 3 is blank; blank lines may only end",
    ),
    (
        "short row",
        "time_s,speed_kph,grade\n0,0,0\n1,1\n",
        r"line 3 has 2 fields but the header has 3",
    ),
    ("long row", "time_s,speed_kph\n0,0\n1,1,1\n", r"line 3 has 3 fields but the header has 2"),
]


@pytest.mark.parametrize(("text", "pattern"), [c[1:] for c in BAD_CSV], ids=[c[0] for c in BAD_CSV])
def test_csv_bad_input_names_the_file_and_the_place(
    tmp_path: Path, text: str, pattern: str
) -> None:
    path = write(tmp_path, "bad.csv", text)
    with pytest.raises(CycleError, match=re.escape(str(path)) + ": " + pattern):
        read_cycle_csv(path)


def test_csv_empty_file(tmp_path: Path) -> None:
    path = write(tmp_path, "empty.csv", "")
    with pytest.raises(CycleError, match=r"empty\.csv: the file is empty"):
        read_cycle_csv(path)


def test_csv_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CycleError, match=r"nothere\.csv: no such file"):
        read_cycle_csv(tmp_path / "nothere.csv")


def test_csv_directory(tmp_path: Path) -> None:
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    with pytest.raises(CycleError, match=r"folder\.csv: is a directory"):
        read_cycle_csv(folder)


def test_csv_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("time_s,speed_kph,note\n0,0,caf\xe9\n1,1,x\n".encode("latin-1"))
    with pytest.raises(CycleError, match=r"latin1\.csv: not UTF-8 text \(byte 29 is 0xe9\)"):
        read_cycle_csv(path)


# --- GPX ------------------------------------------------------------------------------

GPX11 = "http://www.topografix.com/GPX/1/1"


def gpx_text(points: list[str], ns: str | None = GPX11, head: str = "") -> str:
    xmlns = f' xmlns="{ns}"' if ns else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{head}'
        f'<gpx version="1.1" creator="evtwin tests"{xmlns}>\n'
        f"<trk><name>test</name><trkseg>\n{''.join(points)}</trkseg></trk>\n</gpx>\n"
    )


def trkpt(lat: float, lon: float, ele: float | None, time: str | None) -> str:
    parts = [f'<trkpt lat="{lat!r}" lon="{lon!r}">']
    if ele is not None:
        parts.append(f"<ele>{ele!r}</ele>")
    if time is not None:
        parts.append(f"<time>{time}</time>")
    return "".join(parts) + "</trkpt>\n"


def stamp(seconds: float) -> str:
    whole, frac = divmod(seconds, 1.0)
    m, s = divmod(int(whole), 60)
    return f"2024-05-01T10:{m:02d}:{s:02d}.{round(frac * 1e6):06d}Z"


def meridian(n: int, step_s: float = 2.0, grade: float = 0.05) -> list[str]:
    """``n`` points one arc-second of latitude apart, ``step_s`` apart in time, climbing."""
    return [
        trkpt(45.0 + k / 3600.0, 7.0, 200.0 + grade * ARC_SECOND * k, stamp(step_s * k))
        for k in range(n)
    ]


def test_haversine_known_distances() -> None:
    np.testing.assert_allclose(haversine_distance(0.0, 0.0, 0.0, 1.0), EARTH_RADIUS * math.pi / 180)
    np.testing.assert_allclose(haversine_distance(45.0, 7.0, 45.0 + 1 / 3600, 7.0), ARC_SECOND)
    assert 30.86 < ARC_SECOND < 30.89
    np.testing.assert_allclose(haversine_distance(10.0, 20.0, 10.0, 20.0), 0.0)
    np.testing.assert_allclose(haversine_distance(0.0, 0.0, 0.0, 180.0), EARTH_RADIUS * math.pi)


def test_gpx_meridian_speed_and_grade(tmp_path: Path) -> None:
    cycle = read_cycle_gpx(write(tmp_path, "ride.gpx", gpx_text(meridian(21))))
    np.testing.assert_array_equal(cycle.time, np.arange(41.0))
    # One arc-second every 2 s, about 15.44 m/s, from the first sample: not from rest.
    np.testing.assert_allclose(cycle.speed, ARC_SECOND / 2.0, rtol=1e-9)
    np.testing.assert_allclose(cycle.grade, 0.05, rtol=1e-6)
    np.testing.assert_allclose(cycle.distance, 20 * ARC_SECOND, rtol=1e-9)
    assert cycle.name == "ride"
    assert "2024-05-01T10:00:00+00:00" in cycle.note


def test_gpx_point_speed_is_a_central_difference(tmp_path: Path) -> None:
    # 1 then 2 arc-seconds in successive seconds: 1, 1.5 and 2 arc-seconds per second.
    points = [trkpt(lat, 0.0, None, stamp(k)) for k, lat in enumerate((0.0, 1 / 3600, 3 / 3600))]
    cycle = read_cycle_gpx(write(tmp_path, "a.gpx", gpx_text(points)), resample_s=None)
    np.testing.assert_allclose(cycle.speed, np.array([1.0, 1.5, 2.0]) * ARC_SECOND, rtol=1e-9)
    np.testing.assert_array_equal(cycle.grade, 0.0)  # no elevation: flat


def test_gpx_resampling_to_half_seconds_and_dropping_the_tail(tmp_path: Path) -> None:
    points = [*meridian(3, step_s=2.0)[:2], trkpt(45.0 + 2 / 3600, 7.0, None, stamp(4.7))]
    cycle = read_cycle_gpx(write(tmp_path, "a.gpx", gpx_text(points)), resample_s=0.5)
    np.testing.assert_allclose(cycle.time, np.arange(10) * 0.5)  # 0 .. 4.5 s; 4.7 s dropped


def test_gpx_keeps_fix_times_without_resampling(tmp_path: Path) -> None:
    points = [trkpt(k / 3600, 0.0, None, stamp(t)) for k, t in enumerate((0.0, 1.0, 2.5, 4.25))]
    cycle = read_cycle_gpx(write(tmp_path, "a.gpx", gpx_text(points)), resample_s=None)
    np.testing.assert_array_equal(cycle.time, [0.0, 1.0, 2.5, 4.25])


@pytest.mark.parametrize("ns", ["http://www.topografix.com/GPX/1/0", None])
def test_gpx_1_0_and_no_namespace(tmp_path: Path, ns: str | None) -> None:
    cycle = read_cycle_gpx(write(tmp_path, "old.gpx", gpx_text(meridian(5), ns=ns)))
    np.testing.assert_allclose(cycle.speed, ARC_SECOND / 2.0, rtol=1e-9)


def test_gpx_segments_zones_and_exact_repeats(tmp_path: Path) -> None:
    pts = meridian(5, step_s=2.0)
    # The same instants written with a +02:00 offset, a repeated fix, a second segment.
    shifted = pts[2].replace("T10:", "T12:").replace("Z<", "+02:00<")
    text = gpx_text([*pts[:2], shifted, shifted, pts[3]]).replace(
        "</trkseg></trk>", f"</trkseg><trkseg>{pts[4]}</trkseg></trk>"
    )
    cycle = read_cycle_gpx(write(tmp_path, "a.gpx", text))
    np.testing.assert_allclose(cycle.speed, ARC_SECOND / 2.0, rtol=1e-9)
    assert "5 points" in cycle.note


def test_gpx_missing_elevations_are_interpolated(tmp_path: Path) -> None:
    pts = meridian(9)
    pts[3] = trkpt(45.0 + 3 / 3600, 7.0, None, stamp(6.0))
    cycle = read_cycle_gpx(write(tmp_path, "a.gpx", gpx_text(pts)))
    np.testing.assert_allclose(cycle.grade, 0.05, rtol=1e-6)


def test_smoothed_grade_tames_elevation_noise() -> None:
    # A 3 % road sampled every 5 m, with +-2 m of alternating GPS elevation error:
    # the step-to-step grade would read +-0.8; over 50 m the error is at most 2 * 2 / 50.
    s = np.arange(0.0, 1000.0, 5.0)
    z = 0.03 * s + 2.0 * (-1.0) ** np.arange(s.size)
    g = smoothed_grade(s, z, 50.0)
    assert np.max(np.abs(np.diff(z) / np.diff(s))) > 0.7
    assert np.max(np.abs(g - 0.03)) <= 4.0 / 50.0 + 1e-12


def test_smoothed_grade_short_track_and_stops() -> None:
    s = np.array([0.0, 0.0, 10.0, 10.0, 20.0])
    z = np.array([0.0, 1.0, 1.0, 1.5, 2.0])  # two readings at each stop are averaged
    np.testing.assert_allclose(smoothed_grade(s, z, 50.0), (2.0 - 0.5) / 20.0)
    np.testing.assert_array_equal(smoothed_grade(s, np.full(5, np.nan)), 0.0)


def bad_gpx_cases() -> list[tuple[str, str, str]]:
    pts = meridian(6)
    late = trkpt(45.0 + 6 / 3600, 7.0, 1.0, stamp(1.0))
    return [
        ("not XML", "this is not xml", r"not an XML file"),
        ("empty", "", r"not an XML file"),
        ("not GPX", "<kml><Document/></kml>", r"not a GPX file \(the root element is <kml>"),
        ("no points", gpx_text([]), r"no track points"),
        (
            "route only",
            gpx_text([]).replace("<trk>", '<rte><rtept lat="1" lon="2"/></rte><trk>'),
            r"no track points",
        ),
        ("one point", gpx_text(pts[:1]), r"a trace needs at least two track points; found 1"),
        (
            "no time",
            gpx_text([*pts[:3], trkpt(45.0, 7.0, 1.0, None)]),
            r"track point 4 has no <time>",
        ),
        (
            "bad time",
            gpx_text([*pts[:2], trkpt(45.0, 7.0, 1.0, "noon")]),
            r"track point 3: <time> 'noon' is not an ISO 8601",
        ),
        (
            "time back",
            gpx_text([*pts[:4], late]),
            r"track point 5: time 2024-05-01T10:00:01\+00:00 is not after .* of track point 4",
        ),
        (
            "same time, new place",
            gpx_text([*pts[:3], pts[2].replace('lon="7.0"', 'lon="7.1"')]),
            r"track point 4: time .* is not after",
        ),
        (
            "GPS jump",
            gpx_text([*pts[:2], trkpt(46.0, 7.0, 1.0, stamp(4.0))]),
            r"track point 3: 111\d+ m in 2 s from track point 2 is \d+ m/s, faster than 100 m/s",
        ),
        (
            "no lat",
            gpx_text([*pts[:2], pts[2].replace("lat=", "lag=")]),
            r"track point 3 has no lat attribute",
        ),
        (
            "lat text",
            gpx_text([pts[0], pts[1].replace('lat="', 'lat="north')]),
            r"track point 2: lat: 'north45.0.*' is not a number",
        ),
        (
            "lon range",
            gpx_text([pts[0], pts[1].replace('lon="7.0"', 'lon="270"')]),
            r"track point 2: lon 270 is outside -180..180 degrees",
        ),
        (
            "ele text",
            gpx_text([pts[0], pts[1].replace("<ele>", "<ele>high")]),
            r"track point 2: <ele>: 'high.*' is not a number",
        ),
        (
            "cliff",
            gpx_text([*pts[:2], trkpt(45.0 + 2 / 3600, 7.0, 500.0, stamp(4.0))]),
            r"track point 1: the elevation gives a grade of .* steeper than 100 %",
        ),
        (
            "too short",
            gpx_text([trkpt(0.0, 0.0, None, stamp(0.0)), trkpt(0.0, 0.0, None, stamp(0.5))]),
            r"the track lasts 0.5 s, less than one step of 1 s",
        ),
    ]


@pytest.mark.parametrize(
    ("text", "pattern"), [c[1:] for c in bad_gpx_cases()], ids=[c[0] for c in bad_gpx_cases()]
)
def test_gpx_bad_input_names_the_file_and_the_point(
    tmp_path: Path, text: str, pattern: str
) -> None:
    path = write(tmp_path, "bad.gpx", text)
    with pytest.raises(CycleError, match=re.escape(str(path)) + ": " + pattern):
        read_cycle_gpx(path)


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE gpx [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
        for i in range(1, 10)
    )
    + ']>\n<gpx xmlns="http://www.topografix.com/GPX/1/1"><trk><name>&lol9;</name></trk></gpx>\n'
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_gpx_entity_declarations_are_refused(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "lol.gpx"
    path.write_text(
        BILLION_LAUGHS.replace('"1.0"?>', f'"1.0" encoding="{encoding}"?>'), encoding=encoding
    )
    with pytest.raises(CycleError, match=r"lol\.gpx: the file declares a DOCTYPE or ENTITY"):
        read_cycle_gpx(path)


def test_gpx_doctype_is_refused_by_the_parser_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Blind the byte scan: the tree builder must still stop at the DOCTYPE.
    monkeypatch.setattr(gpx_module, "_DECLARATION", re.compile(rb"(?!)"))
    path = write(tmp_path, "lol.gpx", BILLION_LAUGHS)
    with pytest.raises(CycleError, match=r"lol\.gpx: the file declares a DOCTYPE or ENTITY"):
        read_cycle_gpx(path)


@pytest.mark.parametrize("resample_s", [0.0, -1.0, math.nan, math.inf])
def test_gpx_bad_resample_step(tmp_path: Path, resample_s: float) -> None:
    path = write(tmp_path, "a.gpx", gpx_text(meridian(3)))
    with pytest.raises(CycleError, match=r"a\.gpx: resample_s must be a positive number"):
        read_cycle_gpx(path, resample_s=resample_s)


def test_gpx_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CycleError, match=r"gone\.gpx: no such file"):
        read_cycle_gpx(tmp_path / "gone.gpx")


# --- choosing the reader ----------------------------------------------------------------


def test_read_cycle_picks_the_reader_by_suffix(tmp_path: Path) -> None:
    csv_cycle = read_cycle(write(tmp_path, "a.CSV", "time_s,speed_mps\n0,1\n1,2\n"))
    np.testing.assert_array_equal(csv_cycle.speed, [1.0, 2.0])
    gpx_cycle = read_cycle(str(write(tmp_path, "b.gpx", gpx_text(meridian(3)))), name="ride")
    assert gpx_cycle.name == "ride"
    np.testing.assert_allclose(gpx_cycle.speed, ARC_SECOND / 2.0, rtol=1e-9)


@pytest.mark.parametrize(
    ("name", "pattern"),
    [("trace.txt", r"trace\.txt: .*suffix '\.txt'; use \.csv or \.gpx"), ("trace", r"no suffix")],
)
def test_read_cycle_refuses_other_suffixes(tmp_path: Path, name: str, pattern: str) -> None:
    with pytest.raises(CycleError, match=pattern):
        read_cycle(write(tmp_path, name, "time_s,speed_mps\n0,1\n1,2\n"))


def test_gpx_resample_step_too_fine_for_the_track(tmp_path: Path) -> None:
    path = write(tmp_path, "a.gpx", gpx_text(meridian(3)))
    with pytest.raises(CycleError, match=r"a\.gpx: resampling 4 s to steps of .* more than"):
        read_cycle_gpx(path, resample_s=1e-300)
