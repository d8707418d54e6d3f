"""Read a recorded drive from a GPX track (GPS Exchange Format 1.1 or 1.0).

A GPX track is a list of fixes ``<trk><trkseg><trkpt lat lon><ele/><time/></trkpt>``.
The trace is made from them in four steps:

1. **Distance** between successive points by the haversine formula on a sphere of
   the WGS 84 mean radius (:func:`haversine_distance`). Against the ellipsoid that
   errs by at most 0.6 % (the radius of curvature runs from 6 335 to 6 400 km),
   small beside the scatter of GPS fixes.
2. **Speed** at each point: distance over time across its two neighbours (a central
   difference, exact for steady driving); at the first and last point, the speed of
   the one step beside it. The trace keeps the speed it starts and ends with: a
   recording begun on the move does not start from rest.
3. **Grade** at each point: the elevation change across a window of
   :data:`GRADE_WINDOW` metres of road centred on it, divided by the window
   (:func:`smoothed_grade`). GPS elevation is noisy (several metres); over the few
   metres between fixes that noise would read as grades of tens of percent.
4. **Resampling** of speed and grade, linearly in time, to a uniform step starting
   at the first fix; the part of a step left after the last whole step is dropped.

Points are taken from every track and segment in document order; a gap between
segments is bridged like any other step. Points that repeat the one before exactly
(same time, position and elevation), as some loggers write, are dropped. Points
without ``<ele>`` take their elevation from their neighbours (linear in distance);
a track without any has zero grade. Times without a zone are taken as UTC, as
GPX requires.

The parser refuses any DOCTYPE, and so any ENTITY declaration: GPX needs neither,
and entity expansion ("billion laughs") is how a hostile XML file attacks
ElementTree, which fetches no external entities.
"""

from __future__ import annotations

import itertools
import math
import re
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._files import ELEVATION_RANGE, MAX_SPEED, PathLike, parse_number, read_bytes
from .cycle import Cycle, CycleError

#: Mean radius of the Earth [m]: the mean of the WGS 84 semi-axes, R1 = (2a + b)/3 =
#: 6 371 008.7714 m (NIMA TR8350.2, 3rd ed., 2000, table 3.5; the IUGG mean radius).
EARTH_RADIUS = 6371008.8
#: Length of road over which the grade is averaged [m] (see :func:`smoothed_grade`).
GRADE_WINDOW = 50.0
#: Most samples a resampled trace may have (a week at 1 Hz is 604 800).
MAX_SAMPLES = 10_000_000

# A DOCTYPE or ENTITY declaration in an ASCII-compatible encoding, or in UTF-16.
_DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_DECLARATION_16 = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


class _DoctypeError(Exception):
    pass


class _SafeTreeBuilder(ET.TreeBuilder):
    """A tree builder that stops the parse at the start of a DOCTYPE, before any of
    its entity declarations is read."""

    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        raise _DoctypeError(name)


def haversine_distance(
    lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike
) -> NDArray[np.float64]:
    """Great-circle distance between points on the Earth [m].

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : array_like
        Latitude and longitude of the two ends [degrees].

    Returns
    -------
    ndarray
        Distance on a sphere of radius :data:`EARTH_RADIUS` [m].

    Notes
    -----
    ``d = 2 R asin(sqrt(sin^2(dphi/2) + cos(phi1) cos(phi2) sin^2(dlambda/2)))``, which,
    unlike the spherical law of cosines, keeps its precision for points centimetres
    apart.

    References
    ----------
    R. W. Sinnott, "Virtues of the haversine", Sky and Telescope 68(2), 159 (1984).
    """
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    dphi = phi2 - phi1
    dlam = np.radians(np.asarray(lon2, dtype=float) - np.asarray(lon1, dtype=float))
    h = np.sin(0.5 * dphi) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(0.5 * dlam) ** 2
    # min(): rounding can push h a hair above 1 for antipodal points.
    return np.asarray(2.0 * EARTH_RADIUS * np.arcsin(np.sqrt(np.minimum(h, 1.0))))


def smoothed_grade(
    distance: NDArray[np.float64], elevation: NDArray[np.float64], window: float = GRADE_WINDOW
) -> NDArray[np.float64]:
    """Road grade at each point, averaged over a window of road [-].

    The grade at distance ``s`` is ``(z(s + w/2) - z(s - w/2)) / w``, ``z`` being the
    elevation interpolated linearly in distance. That is exactly the mean of the
    local grade over the window, so it keeps the climb of every hill longer than the
    window while an elevation error ``e`` becomes a grade error of at most ``2 e / w``
    instead of ``2 e`` over the step between two fixes. Near either end the window
    is moved inward to stay whole; a track shorter than the window gets its overall
    grade. Points at the same distance (stops) share the mean of their elevations.

    Parameters
    ----------
    distance : ndarray
        Distance along the track at each point [m], non-decreasing.
    elevation : ndarray
        Elevation at each point [m]; NaN where unknown.
    window : float
        Length of road over which the grade is averaged [m].

    Returns
    -------
    ndarray
        Rise over run at each point [-]; zero if fewer than two distinct places have
        an elevation.
    """
    s = np.asarray(distance, dtype=float)
    z = np.asarray(elevation, dtype=float)
    known = np.isfinite(z)
    # One elevation per distinct distance, so that z(s) is a function to interpolate.
    places, which = np.unique(s, return_inverse=True)
    count = np.bincount(which, weights=known.astype(float), minlength=places.size)
    total = np.bincount(which, weights=np.where(known, z, 0.0), minlength=places.size)
    has = count > 0
    if np.count_nonzero(has) < 2:
        return np.zeros_like(s)
    sp, zp = places[has], total[has] / count[has]
    if sp[-1] - sp[0] <= window:
        lo = np.full_like(s, sp[0])
        hi = np.full_like(s, sp[-1])
    else:
        lo = np.clip(s - 0.5 * window, sp[0], sp[-1] - window)
        hi = lo + window
    return np.asarray((np.interp(hi, sp, zp) - np.interp(lo, sp, zp)) / (hi - lo))


def read_cycle_gpx(
    path: PathLike,
    *,
    name: str | None = None,
    resample_s: float | None = 1.0,
    grade_window_m: float = GRADE_WINDOW,
) -> Cycle:
    """Read a speed trace from the track of a GPX file (method in the module docstring).

    Parameters
    ----------
    path : str or os.PathLike
        The GPX file (1.1 or 1.0).
    name : str, optional
        Name of the cycle; by default the file name without its suffix.
    resample_s : float or None, default 1.0
        Time step of the trace [s]; ``None`` keeps the times of the fixes.
    grade_window_m : float, default 50
        Length of road over which the grade is averaged [m].

    Returns
    -------
    Cycle
        Time from the first fix [s], speed [m/s], grade [-]; ``note`` gives the UTC
        time of the first fix.

    Raises
    ------
    CycleError
        If the file cannot be read, is not GPX, has a DOCTYPE, or its track does not
        make a trace (no points, a point without a time, time not increasing, a step
        faster than 100 m/s); the message names the file and the track point,
        counted from 1 in document order.
    """
    where = str(path)
    if resample_s is not None and not (math.isfinite(resample_s) and resample_s > 0):
        raise CycleError(f"{where}: resample_s must be a positive number of seconds")
    if not (math.isfinite(grade_window_m) and grade_window_m > 0):
        raise CycleError(f"{where}: grade_window_m must be a positive number of metres")
    root = _parse_xml(read_bytes(path), where)
    index, stamps, t, lat, lon, ele = _drop_repeats(*_track_points(root, where))
    if index.size < 2:
        raise CycleError(f"{where}: a trace needs at least two track points; found {index.size}")

    step_t = np.diff(t)
    if np.any(step_t <= 0):
        i = int(np.flatnonzero(step_t <= 0)[0]) + 1
        raise CycleError(
            f"{where}: track point {index[i]}: time {stamps[i].isoformat()} is not after "
            f"{stamps[i - 1].isoformat()} of track point {index[i - 1]}"
        )
    step_s = haversine_distance(lat[:-1], lon[:-1], lat[1:], lon[1:])
    step_v = step_s / step_t
    if np.any(step_v > MAX_SPEED):
        i = int(np.flatnonzero(step_v > MAX_SPEED)[0])
        raise CycleError(
            f"{where}: track point {index[i + 1]}: {step_s[i]:.0f} m in {step_t[i]:g} s from "
            f"track point {index[i]} is {step_v[i]:.0f} m/s, faster than {MAX_SPEED:g} m/s "
            "(a GPS jump?)"
        )

    v = np.empty_like(t)
    v[1:-1] = (step_s[:-1] + step_s[1:]) / (step_t[:-1] + step_t[1:])
    v[0], v[-1] = step_v[0], step_v[-1]
    s = np.concatenate(([0.0], np.cumsum(step_s)))
    g = smoothed_grade(s, ele, grade_window_m)
    if np.any(np.abs(g) > 1.0):
        i = int(np.flatnonzero(np.abs(g) > 1.0)[0])
        raise CycleError(
            f"{where}: track point {index[i]}: the elevation gives a grade of {g[i]:.2f} "
            f"over {grade_window_m:g} m, steeper than 100 %"
        )

    how = "the times of the fixes"
    if resample_s is not None:
        t, v, g = _resample(t, v, g, resample_s, where)
        how = f"resampled to {resample_s:g} s"
    note = (
        f"GPX track from {stamps[0].astimezone(UTC).isoformat()}: {index.size} points, "
        f"{how}, grade over {grade_window_m:g} m"
    )
    return Cycle(name or Path(path).stem, t, v, g, source=where, note=note)


def _resample(
    t: NDArray[np.float64],
    v: NDArray[np.float64],
    g: NDArray[np.float64],
    step: float,
    where: str,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Speed and grade interpolated linearly to times 0, step, 2 step, ... [s]."""
    steps = float(t[-1]) / step  # a Python float: inf, not a warning, for a tiny step
    if steps >= MAX_SAMPLES:
        raise CycleError(
            f"{where}: resampling {t[-1]:g} s to steps of {step:g} s gives more than "
            f"{MAX_SAMPLES} samples"
        )
    if steps < 1.0 - 1e-9:
        raise CycleError(f"{where}: the track lasts {t[-1]:g} s, less than one step of {step:g} s")
    # 1e-9: a last fix that is on the grid but for rounding stays in the trace.
    grid = np.arange(math.floor(steps + 1e-9) + 1, dtype=np.float64) * step
    return grid, np.interp(grid, t, v), np.interp(grid, t, g)


def _parse_xml(data: bytes, where: str) -> ET.Element:
    refused = CycleError(
        f"{where}: the file declares a DOCTYPE or ENTITY; GPX needs neither, and "
        "evtwin refuses them (entity expansion)"
    )
    if _DECLARATION.search(data):
        raise refused
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") and _DECLARATION_16.search(
        data.decode("utf-16", errors="replace")
    ):
        raise refused
    parser = ET.XMLParser(target=_SafeTreeBuilder())
    try:
        parser.feed(data)
        root: ET.Element = parser.close()
    except _DoctypeError:
        raise refused from None
    except ET.ParseError as exc:
        raise CycleError(f"{where}: not an XML file ({exc})") from None
    except (ValueError, LookupError) as exc:  # an encoding expat cannot read
        raise CycleError(f"{where}: not a readable XML file ({exc})") from None
    return root


# Point numbers (from 1), times as written, time from the first point [s],
# latitude and longitude [deg], elevation [m] (NaN if not given).
_Fixes = tuple[
    NDArray[np.int_],
    list[datetime],
    NDArray[np.float64],
    NDArray[np.float64],
    NDArray[np.float64],
    NDArray[np.float64],
]


def _track_points(root: ET.Element, where: str) -> _Fixes:
    """The track points of a GPX tree, in document order."""
    ns, _, local = root.tag.rpartition("}")
    if local != "gpx":
        raise CycleError(f"{where}: not a GPX file (the root element is <{local}>, not <gpx>)")
    ns = ns + "}" if ns else ""  # GPX 1.0 and 1.1 differ only in namespace
    points = [
        pt
        for trk in root.iterfind(f"{ns}trk")
        for seg in trk.iterfind(f"{ns}trkseg")
        for pt in seg.iterfind(f"{ns}trkpt")
    ]
    if not points:
        raise CycleError(
            f"{where}: no track points (<trk><trkseg><trkpt>); route and way points "
            "carry no times, so they cannot make a speed trace"
        )
    stamps: list[datetime] = []
    coords = np.empty((len(points), 3))
    lo, hi = ELEVATION_RANGE
    for k, pt in enumerate(points):
        here = f"{where}: track point {k + 1}"
        coords[k, 0] = _coordinate(pt, "lat", 90.0, here)
        coords[k, 1] = _coordinate(pt, "lon", 180.0, here)
        ele = pt.find(f"{ns}ele")
        if ele is None or not (ele.text or "").strip():
            coords[k, 2] = np.nan
        else:
            coords[k, 2] = _number(ele.text or "", f"{here}: <ele>")
            if not lo <= coords[k, 2] <= hi:
                raise CycleError(f"{here}: <ele> {coords[k, 2]:g} m is outside {lo:g}..{hi:g} m")
        stamps.append(_time(pt.find(f"{ns}time"), here))
    index = np.arange(1, len(points) + 1)
    # timedelta is exact to the microsecond, a float of Unix time only to ~0.2 us.
    t = np.array([(d - stamps[0]).total_seconds() for d in stamps])
    return index, stamps, t, coords[:, 0], coords[:, 1], coords[:, 2]


def _number(text: str, here: str) -> float:
    try:
        return parse_number(text)
    except ValueError as exc:
        raise CycleError(f"{here}: {exc}") from None


def _coordinate(pt: ET.Element, key: str, limit: float, here: str) -> float:
    text = pt.get(key)
    if text is None:
        raise CycleError(f"{here} has no {key} attribute")
    x = _number(text, f"{here}: {key}")
    if abs(x) > limit:
        raise CycleError(f"{here}: {key} {x:g} is outside -{limit:g}..{limit:g} degrees")
    return x


def _time(element: ET.Element | None, here: str) -> datetime:
    text = (element.text or "").strip() if element is not None else ""
    if not text:
        raise CycleError(f"{here} has no <time>; a speed trace needs the time of every point")
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise CycleError(f"{here}: <time> {shown!r} is not an ISO 8601 date and time") from None
    # GPX times are UTC; a zone-less one is read as such, so all can be subtracted.
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp


def _drop_repeats(
    index: NDArray[np.int_],
    stamps: list[datetime],
    t: NDArray[np.float64],
    lat: NDArray[np.float64],
    lon: NDArray[np.float64],
    ele: NDArray[np.float64],
) -> _Fixes:
    """The fixes without those that repeat the one before exactly."""
    same_ele = (ele[1:] == ele[:-1]) | (np.isnan(ele[1:]) & np.isnan(ele[:-1]))
    repeat = (t[1:] == t[:-1]) & (lat[1:] == lat[:-1]) & (lon[1:] == lon[:-1]) & same_ele
    keep = np.concatenate(([True], ~repeat))
    kept = list(itertools.compress(stamps, keep))
    return index[keep], kept, t[keep], lat[keep], lon[keep], ele[keep]
