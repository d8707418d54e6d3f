"""EPA Test Car List dynamometer results of electric cars, read with stated rules.

The reference files (``shared/data/epa`` in the project's data, public-domain US
Government data) hold each charge-depleting test with its coast-down target, ETW,
drive, rated power and result. The source has quirks; each is handled by a rule
that looks only at the data, never at a model's prediction:

1. **Units.** The result column ``RND_ADJ_FE`` mixes MPGe and kWh/100 mi and its
   unit column says "MPG" everywhere. A value of 60 or more is MPGe, below 60 it is
   kWh/100 mi: the two populations do not overlap (MPGe values run from 82 up,
   kWh/100 mi values from 15 to 38). Wh/mi = 33705 / MPGe, or 10 x kWh/100 mi.
   **Except the 20 F FTP**, whose values (24.0-37.5, Tesla only) are kWh/100 **km**
   (Wh/mi = 16.09344 x value). Read as kWh/100 mi they would be only 1.19-1.37
   times the same car's 75 F UDDS, i.e. 48-81 Wh/mi more: 1.0-1.5 kW over the
   FTP's 31 minutes of driving for heater, blower, cold battery and cold tyres
   together. A cabin held at 22 C in -6.7 C air loses about 2.5 kW once warm
   (UA ~ 50 W/K plus ~35 g/s of fresh air, 29 K), before the 0.5-0.7 kWh of its
   warm-up; the AAA's 2019 dynamometer tests at 20 F with the heater on found
   1.6-1.7 times the 75 F city consumption. Read as kWh/100 km the values are
   1.9-2.2 times the UDDS (+200-290 Wh/mi, 4-6 kW), what the cabin physics needs
   with a cold start. So the "mixed units" of the column include a third one.
2. **Label-adjusted values.** A few tests report the label value (about 0.7 times
   the raw dyno result) instead of the raw result. A test vehicle is taken to do so
   when both its UDDS and highway results are 0.70 +/- 0.02 times the unadjusted
   city and highway values of the fueleconomy.gov label of the same year, make and
   model name; its results are then divided by 0.7. (Only the 2022 Chevrolet Bolt
   EV test vehicle 1NFV5831 meets it.)
3. **Everything else is kept as given**, including results that disagree with the
   label for reasons the data cannot settle (see :data:`KNOWN_ODDITIES`).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from ..units import MILE, MPGE_WH_PER_GALLON

#: Wh/mi in one kWh/100 km: 1000 Wh per 100 km is 1000 / (100 km / mile) = 16.09344.
WH_PER_MI_PER_KWH_PER_100KM = MILE / 100.0

#: Result values at or above this are MPGe, below it kWh/100 mi (rule 1).
MPGE_THRESHOLD = 60.0
#: Ratio of a label-adjusted to a raw result, and the tolerance of rule 2.
LABEL_ADJUSTMENT = 0.7
LABEL_ADJUSTMENT_TOLERANCE = 0.02

#: Results the rules keep as given although they look wrong, with the reason.
KNOWN_ODDITIES: dict[str, str] = {
    "2022 Mercedes-Benz EQS 450+ highway": (
        "result 38.1 against the label's unadjusted 138.1 MPGe: a dropped leading digit; "
        "read as 38.1 kWh/100 mi by rule 1 it is 381 Wh/mi, 1.56 times the 244 the label implies"
    ),
    "2019 Tesla Model S/X 75D and P100D": (
        "reported in kWh/100 mi and 13-16 % below the label's unadjusted MPGe on both "
        "cycles: consistent with DC (battery) rather than AC (wall) energy"
    ),
    "2022 Audi e-tron S": "four tests on different wheels; two are 27 % above the label",
}

CYCLE_OF_PROCEDURE = {
    "Charge Depleting UDDS": "udds",
    "Charge Depleting Highway": "hwfet",
    "Charge Depleting 20 Degree F FTP": "ftp_20f",
}


@dataclass(frozen=True)
class DynoRecord:
    """One EPA test, with the measured AC energy after the rules above."""

    model_year: int
    make: str
    model: str
    test_vehicle_id: str
    test_number: str
    drive: str
    rated_hp: float
    etw_lb: float
    a_lbf: float
    b_lbf_mph: float
    c_lbf_mph2: float
    cycle: str
    result_raw: float
    ac_wh_per_mi: float
    rule: str  # "" when taken as given, else which rule changed it

    @property
    def label(self) -> str:
        """Short description for reports."""
        return f"{self.model_year} {self.make} {self.model} ({self.cycle})"


def wh_per_mi_from_result(raw: float, cycle: str = "udds") -> float:
    """Rule 1: Wh/mi from a raw result in MPGe (>= 60) or kWh/100 mi (< 60).

    Results of the 20 F FTP (``cycle="ftp_20f"``) are kWh/100 km.
    """
    if raw >= MPGE_THRESHOLD:
        return MPGE_WH_PER_GALLON / raw
    if cycle == "ftp_20f":
        return raw * WH_PER_MI_PER_KWH_PER_100KM
    return raw * 10.0


def _tokens(name: str) -> tuple[str, ...]:
    s = name.lower()
    s = re.sub(r"([a-z])(\d)", r"\1 \2", s)
    s = re.sub(r"(\d)([a-z])", r"\1 \2", s)
    return tuple(sorted(set(re.findall(r"[a-z0-9+]+", s))))


def _label_index(path: Path) -> dict[tuple[int, str, tuple[str, ...]], tuple[float, float]]:
    out = {}
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            key = (int(row["year"]), row["make"].lower(), _tokens(row["model"]))
            out[key] = (float(row["UCity"]), float(row["UHighway"]))
    return out


def read_dyno(
    data_dir: str | Path, *, procedures: tuple[str, ...] = ("udds", "hwfet")
) -> list[DynoRecord]:
    """Read ``bev_dyno_2019_2022.csv`` (and its label file) with the rules above.

    Parameters
    ----------
    data_dir
        The folder holding ``bev_dyno_2019_2022.csv`` and ``bev_labels_2019_2022.csv``.
    procedures
        Which tests to keep: ``udds``, ``hwfet``, ``ftp_20f``.
    """
    data_dir = Path(data_dir)
    labels = _label_index(data_dir / "bev_labels_2019_2022.csv")
    with (data_dir / "bev_dyno_2019_2022.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    records = []
    for r in rows:
        cycle = CYCLE_OF_PROCEDURE.get(r["test_procedure"])
        if cycle is None or cycle not in procedures:
            continue
        raw = float(r["result_raw"])
        records.append(
            DynoRecord(
                model_year=int(r["model_year"]),
                make=r["make"],
                model=r["model"],
                test_vehicle_id=r["test_vehicle_id"],
                test_number=r["epa_test_number"],
                drive=r["drive"],
                rated_hp=float(r["rated_hp"]),
                etw_lb=float(r["etw_lb"]),
                a_lbf=float(r["target_a_lbf"]),
                b_lbf_mph=float(r["target_b_lbf_mph"]),
                c_lbf_mph2=float(r["target_c_lbf_mph2"]),
                cycle=cycle,
                result_raw=raw,
                ac_wh_per_mi=wh_per_mi_from_result(raw, cycle),
                rule="",
            )
        )
    return _undo_label_adjustment(records, labels)


def _undo_label_adjustment(
    records: list[DynoRecord],
    labels: dict[tuple[int, str, tuple[str, ...]], tuple[float, float]],
) -> list[DynoRecord]:
    """Rule 2, applied per test vehicle."""
    ratios: dict[tuple[int, str, str], dict[str, float]] = {}
    for rec in records:
        lab = labels.get((rec.model_year, rec.make.lower(), _tokens(rec.model)))
        if lab is None or rec.cycle not in ("udds", "hwfet"):
            continue
        label_wh = MPGE_WH_PER_GALLON / (lab[0] if rec.cycle == "udds" else lab[1])
        key = (rec.model_year, rec.model, rec.test_vehicle_id)
        # The ratio of MPGe values: label-adjusted results are 0.7 of the raw one.
        ratios.setdefault(key, {}).setdefault(rec.cycle, label_wh / rec.ac_wh_per_mi)
    adjusted = {
        key
        for key, by_cycle in ratios.items()
        if set(by_cycle) == {"udds", "hwfet"}
        and all(abs(x - LABEL_ADJUSTMENT) <= LABEL_ADJUSTMENT_TOLERANCE for x in by_cycle.values())
    }
    out = []
    for rec in records:
        if (rec.model_year, rec.model, rec.test_vehicle_id) in adjusted:
            rec = DynoRecord(
                **{
                    **rec.__dict__,
                    "ac_wh_per_mi": rec.ac_wh_per_mi * LABEL_ADJUSTMENT,
                    "rule": "label-adjusted result divided by 0.7",
                }
            )
        out.append(rec)
    return out


def unique_tests(records: list[DynoRecord]) -> list[DynoRecord]:
    """One record per EPA test number (the Test Car List re-lists tests across years)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for rec in records:
        key = (rec.test_number, rec.cycle)
        if key not in seen:
            seen.add(key)
            out.append(rec)
    return out
