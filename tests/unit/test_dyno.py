"""The EPA dynamometer replay's file contract and its stated data rules."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from evtwin.sim import dyno

HEADER = "make,etw_lb,target_a_lbf,target_b_lbf_mph,target_c_lbf_mph2,drive,rated_hp,cycle,note\n"
ROWS = (
    "Tesla,4250,39.2,0.18,0.0178,2-Wheel Drive Rear,283,udds,x\n"  # EPA phrasing without comma
    'Tesla,4250,39.2,0.18,0.0178,rwd,283,hwfet,"kept, as given"\n'
    "Ford,5000,38.0,0.3,0.022,All Wheel Drive,346,Charge Depleting UDDS,\n"
)


def _write(tmp_path: Path, text: str, name: str = "in.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_round_trip_passes_columns_through(tmp_path: Path) -> None:
    rows = ROWS.replace("2-Wheel Drive Rear", "rwd")
    src = _write(tmp_path, HEADER + rows)
    out = tmp_path / "out.csv"
    assert dyno.run_csv(src, out) == 3
    with out.open() as f:
        got = list(csv.DictReader(f))
    assert list(got[0]) == [*HEADER.strip().split(","), "ac_wh_per_mi"]
    assert got[1]["note"] == "kept, as given"
    assert got[0]["make"] == "Tesla"
    values = [float(r["ac_wh_per_mi"]) for r in got]
    assert all(100 < v < 500 for v in values)
    # A heavier, draggier AWD car uses more than the small RWD one on the same cycle.
    assert values[2] > values[0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (HEADER.replace("rated_hp,", "hp,") + ROWS, "missing column(s) rated_hp"),
        (
            HEADER
            + ROWS.replace("4250,39.2,0.18,0.0178,2-Wheel", "heavy,39.2,0.18,0.0178,2-Wheel"),
            "line 2, column etw_lb",
        ),
        (HEADER + ROWS.replace("2-Wheel Drive Rear", "hover"), "line 2, column drive"),
        (HEADER + ROWS.replace(",hwfet,", ",us06,"), "line 3, column cycle"),
        (HEADER + ROWS.replace("0.022", "-0.022"), "line 4, column target_c_lbf_mph2"),
        (HEADER, "no tests"),
    ],
)
def test_bad_input_names_line_and_column(tmp_path: Path, text: str, message: str) -> None:
    src = _write(
        tmp_path, text.replace("2-Wheel Drive Rear", "rwd") if "hover" not in text else text
    )
    with pytest.raises(dyno.DynoInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        dyno.run_csv(src, tmp_path / "out.csv")


def test_failure_leaves_existing_output_alone(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    out.write_text("precious\n")
    src = _write(tmp_path, HEADER + ROWS.replace("Ford,5000", "Ford,lots"))
    with pytest.raises(dyno.DynoInputError):
        dyno.run_csv(src, out)
    assert out.read_text() == "precious\n"
    assert list(tmp_path.glob(".out.csv.*")) == []


def test_binary_input_is_an_input_error(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(b"\xff\xfe\x00\x01garbage")
    with pytest.raises(dyno.DynoInputError, match="UTF-8"):
        dyno.run_csv(src, tmp_path / "out.csv")


def test_drive_descriptions() -> None:
    assert dyno.parse_drive("2-Wheel Drive, Front") == "fwd"
    assert dyno.parse_drive("4-Wheel Drive") == "awd"
    assert dyno.parse_drive(" Part-time  4-Wheel Drive ") == "awd"
    assert dyno.parse_drive("RWD") == "rwd"


def test_placeholder_rated_power_is_replaced() -> None:
    p = dyno.rated_power(np.array([37.0, 201.0]), np.array([4000.0, 4000.0]))
    mass = 4000 * 0.45359237
    assert p[0] == pytest.approx(dyno.GENERIC.fallback_power_per_mass * mass)
    assert p[1] == pytest.approx(201 * 745.699872)
