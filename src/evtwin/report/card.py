"""The headline card: a vehicle's WLTP and EPA range over its spec uncertainty, its
consumption and energy breakdown, its published claims, its real-world range matrix,
performance, charging and priced base build, its off-road geometry band and the
off-road scenario scorecard against the reference architectures, and its rivals
alongside.

This module assembles the card as plain data (dataclasses that turn into JSON);
the command line renders it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import NDArray

from ..configurator import configure
from ..sim.geometry import geometry
from ..sim.label import epa_label, wltp
from ..sim.offroad import run_suite
from ..sim.result import EnergyBreakdown
from ..specs import VehicleSpec, load_vehicle, vehicle_names
from ..specs.offroad_reference import load_reference
from ..study.build_comparison import money
from ..study.claims import ClaimsCheck, check_claims
from ..study.corners import Band, band
from ..study.figures import ROWS, Figures, figures
from ..study.geometry import geometry_band
from ..study.runner import ExecutorFactory
from ..units import MILE

#: The energy terms of the card's breakdown, in the order shown.
BREAKDOWN_TERMS = (
    "aero",
    "rolling",
    "drivetrain",
    "motor_and_inverter",
    "battery",
    "auxiliary",
    "friction_brakes",
)


@dataclass(frozen=True)
class Line:
    """One vehicle's nominal results and, where published, its official ratings."""

    id: str
    name: str
    status: str
    drive: str
    usable_energy_kwh: float
    wltp_range_km: float
    wltp_consumption_kwh_per_100km: float
    epa_range_mi: float
    epa_kwh_per_100mi: float
    epa_label_factor: float
    rated_wltp_range_km: float | None
    rated_epa_range_mi: float | None
    breakdown_wh_per_km: dict[str, float]
    regen_recovered_wh_per_km: float

    @property
    def wltp_error_pct(self) -> float | None:
        """Predicted over published WLTP range, minus one, in per cent."""
        if self.rated_wltp_range_km is None:
            return None
        return 100.0 * (self.wltp_range_km / self.rated_wltp_range_km - 1.0)

    @property
    def epa_error_pct(self) -> float | None:
        """Predicted over published EPA range, minus one, in per cent."""
        if self.rated_epa_range_mi is None:
            return None
        return 100.0 * (self.epa_range_mi / self.rated_epa_range_mi - 1.0)


@dataclass(frozen=True)
class BandLine:
    """A result's low corner, nominal and high corner, and what drives it."""

    low: float
    nominal: float
    high: float
    drivers: tuple[tuple[str, float], ...]  # (figure path, swing), largest first
    skipped: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ClaimLine:
    """A published range claim set against the predicted bands."""

    id: str
    text: str
    source: str
    low: float | None
    high: float | None
    unit: str
    wltp: str  # "within", "overlaps", "above", "below" the WLTP band
    epa: str


@dataclass(frozen=True)
class Card:
    """The headline card."""

    subject: Line
    wltp_range_km: BandLine
    epa_range_mi: BandLine
    claims: tuple[ClaimLine, ...]
    rivals: tuple[Line, ...]
    #: Every headline figure (keys of ``evtwin.study.figures.ROWS``) by vehicle id,
    #: the subject first.
    figures: dict[str, dict[str, float | None]]
    real_world: dict[str, object]  # the subject's matrix, run by run
    performance: dict[str, object]  # the subject's performance summary
    charging: dict[str, object]  # the subject's 10-80 % session on a 350 kW charger
    money: dict[str, object]  # the subject's base build: price, grant, running cost
    #: The subject's approach, breakover and departure band (when its file has a
    #: geometry block) and the reference vehicles' angles, modelled and published.
    geometry: dict[str, object]
    #: The off-road scenario scorecard of the architectures (``evtwin offroad``).
    offroad: dict[str, object]
    #: The claims check (``evtwin claims``): each claim's probability on each test.
    claims_check: ClaimsCheck | None = None

    def to_dict(self) -> dict[str, object]:
        """Plain data for JSON."""

        def line(x: Line) -> dict[str, object]:
            d = asdict(x)
            d["wltp_error_pct"] = x.wltp_error_pct
            d["epa_error_pct"] = x.epa_error_pct
            return d

        return {
            "subject": line(self.subject),
            "wltp_range_km": asdict(self.wltp_range_km),
            "epa_range_mi": asdict(self.epa_range_mi),
            "claims": [asdict(c) for c in self.claims],
            "rivals": [line(r) for r in self.rivals],
            "figures": self.figures,
            "figure_rows": [asdict(r) for r in ROWS],
            "real_world": self.real_world,
            "performance": self.performance,
            "charging": self.charging,
            "money": self.money,
            "geometry": self.geometry,
            "offroad": self.offroad,
            "claims_check": None if self.claims_check is None else self.claims_check.to_dict(),
        }


def lines(specs: Sequence[VehicleSpec]) -> list[Line]:
    """Nominal WLTP and EPA results of vehicles, run as one batch each."""
    w = wltp(specs)
    # A maker's own label factor where it certified by five-cycle testing, so that the
    # comparison with its published label is like for like; 0.7 otherwise.
    e = epa_label(specs, adjustment="as_labelled")
    out = []
    energy = w.drive.energy
    per_km = 1000.0 / w.drive.distance / 3600.0  # J over the run -> Wh/km
    for i, s in enumerate(specs):
        r = s.ratings
        out.append(
            Line(
                id=s.id,
                name=s.name,
                status=s.status,
                drive=s.drive,
                usable_energy_kwh=s.battery.usable_energy_kwh.value,
                wltp_range_km=float(w.range_km[i]),
                wltp_consumption_kwh_per_100km=float(w.consumption_ac_kwh_per_100km[i]),
                epa_range_mi=float(e.range_mi[i]),
                epa_kwh_per_100mi=float(e.kwh_per_100mi[i]),
                epa_label_factor=float(e.adjustment[i]),
                rated_wltp_range_km=r.wltp_range_km.value if r and r.wltp_range_km else None,
                rated_epa_range_mi=r.epa_range_mi.value if r and r.epa_range_mi else None,
                breakdown_wh_per_km={
                    k: float(_term(energy, k)[i] * per_km[i]) for k in BREAKDOWN_TERMS
                },
                regen_recovered_wh_per_km=float(energy.regen_recovered[i] * per_km[i]),
            )
        )
    return out


def _term(energy: EnergyBreakdown, name: str) -> NDArray[np.float64]:
    # The loss model is calibrated on the drive unit's total: motor and inverter together.
    if name == "motor_and_inverter":
        return np.asarray(energy.motor + energy.inverter)
    return np.asarray(getattr(energy, name))


def _wltp_km(specs: Sequence[VehicleSpec]) -> NDArray[np.float64]:
    return wltp(specs).range_km


def _epa_mi(specs: Sequence[VehicleSpec]) -> NDArray[np.float64]:
    return epa_label(specs).range_mi


def _band_line(b: Band, n_drivers: int = 5) -> BandLine:
    drivers = tuple((s.path, s.swing) for s in b.sensitivities[:n_drivers] if s.swing > 0)
    return BandLine(b.low, b.nominal, b.high, drivers, b.skipped)


def _verdict(lo: float | None, hi: float | None, band_lo: float, band_hi: float) -> str:
    c_lo = -np.inf if lo is None else lo
    c_hi = np.inf if hi is None else hi
    if c_lo >= band_lo and c_hi <= band_hi:
        return "within"
    if c_lo > band_hi:
        return "above"
    if c_hi < band_lo:
        return "below"
    return "overlaps"


def _claims(spec: VehicleSpec, wltp_km: BandLine, epa_mi: BandLine) -> tuple[ClaimLine, ...]:
    out = []
    for c in spec.claims:
        if c.quantity not in ("range_mi", "range_km"):
            continue
        to_km = MILE / 1000.0 if c.quantity == "range_mi" else 1.0
        lo_km = None if c.low is None else c.low * to_km
        hi_km = None if c.high is None else c.high * to_km
        km_per_mi = MILE / 1000.0
        out.append(
            ClaimLine(
                id=c.id,
                text=c.text,
                source=c.source,
                low=c.low,
                high=c.high,
                unit="mi" if c.quantity == "range_mi" else "km",
                wltp=_verdict(lo_km, hi_km, wltp_km.low, wltp_km.high),
                epa=_verdict(
                    None if lo_km is None else lo_km / km_per_mi,
                    None if hi_km is None else hi_km / km_per_mi,
                    epa_mi.low,
                    epa_mi.high,
                ),
            )
        )
    return tuple(out)


def headline_card(
    vehicle: str | VehicleSpec = "defender-sport",
    rivals: Sequence[str] | None = None,
    *,
    offroad: bool = True,
    claims: bool = True,
    claims_executor: ExecutorFactory | None = None,
    claims_workers: int | None = None,
) -> Card:
    """Build the headline card of a vehicle against its rivals (by default every other
    shipped vehicle). ``offroad=False`` leaves out the off-road scenario scorecard (a
    few seconds); ``claims=False`` the claims check (2,048 cars through three tests,
    about twelve seconds on two cores the first time, read from its store after that), which
    runs on ``claims_executor`` (this process by default)."""
    subject = vehicle if isinstance(vehicle, VehicleSpec) else load_vehicle(vehicle)
    rival_ids = [n for n in vehicle_names() if n != subject.id] if rivals is None else list(rivals)
    rival_specs = [load_vehicle(r) for r in rival_ids]
    all_lines = lines([subject, *rival_specs])
    wb = _band_line(band(subject, _wltp_km))
    eb = _band_line(band(subject, _epa_mi))
    figs = [figures(s) for s in (subject, *rival_specs)]
    own = figs[0]
    return Card(
        subject=all_lines[0],
        wltp_range_km=wb,
        epa_range_mi=eb,
        claims=_claims(subject, wb, eb),
        rivals=tuple(all_lines[1:]),
        figures={f.vehicle: {k: _round(v) for k, v in f.flat().items()} for f in figs},
        real_world=own.real_world.to_dict(),
        performance=own.performance.to_dict(),
        charging=own.to_dict()["charging"],
        money=_money(subject, own),
        geometry=_geometry(subject),
        offroad=run_suite().to_dict() if offroad else {},
        claims_check=(
            check_claims(subject, executor=claims_executor, workers=claims_workers)
            if claims and subject.claims
            else None
        ),
    )


#: The vehicles whose geometry the card sets beside the subject's: the mechanical
#: Defender (with its published angles) and the road SUV of the off-road scorecard.
GEOMETRY_REFERENCES = ("defender-110", "bmw-ix3")


def _geometry(subject: VehicleSpec) -> dict[str, object]:
    band = geometry_band(subject).to_dict() if subject.geometry is not None else None
    refs: list[dict[str, object]] = []
    for ref_id in GEOMETRY_REFERENCES:
        if ref_id == subject.id:
            continue
        if ref_id == "defender-110":
            ref = load_reference(ref_id)
            for pub in ref.published:
                g = geometry(ref, pub.mode).to_dict()
                g["published"] = {
                    k: (f.value if f is not None else None)
                    for k, f in (
                        ("approach_deg", pub.approach_deg),
                        ("breakover_deg", pub.breakover_deg),
                        ("departure_deg", pub.departure_deg),
                    )
                }
                refs.append(g)
        else:
            g = geometry(load_vehicle(ref_id)).to_dict()
            g["published"] = None
            refs.append(g)
    return {"subject": band, "references": refs}


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 2)


def _money(spec: VehicleSpec, fig: Figures) -> dict[str, object]:
    """The base build's price, grant and running cost (the shipped catalogue's standard
    choices; the spec alone when the vehicle has no catalogue)."""
    return money(configure(spec), fig).to_dict()


__all__ = ["BREAKDOWN_TERMS", "Card", "Line", "headline_card", "lines"]
