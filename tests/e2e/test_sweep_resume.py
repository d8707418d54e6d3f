"""`evtwin sweep` killed with SIGKILL at random instants, then resumed, stores exactly
what an uninterrupted run stores: nothing lost, nothing counted twice."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from evtwin.cli import app
from evtwin.study.definition import parse_study
from evtwin.study.runner import run_study
from evtwin.study.store import query

STUDY = """\
name: kill-and-resume
vehicle: defender-sport
seed: 5
sampler: random
samples: 8000
chunk_size: 20
variables:
  mass.kerb_kg: {distribution: uniform}
  body.drag_coefficient: {distribution: uniform}
outputs: [wltp_range_km, epa_range_mi]
"""

#: Kills; their instants are drawn from this seed (timing still varies run to run).
KILLS = 4
SEED = 20261122


def _sweep(study: Path, out: Path, *, keep_output: bool = False) -> subprocess.Popen[bytes]:
    code = "from evtwin.cli import main; main()"
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            code,
            "sweep",
            str(study),
            "--out",
            str(out),
            "--workers",
            "1",
            "--json",
        ],
        stdout=subprocess.PIPE if keep_output else subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, killed whole as a job would be
    )


def _parts(out: Path) -> int:
    parts = out / "parts"
    return len(list(parts.glob("chunk-*.parquet"))) if parts.is_dir() else 0


def test_kill_nine_at_random_points_then_resume(tmp_path: Path) -> None:
    study = tmp_path / "study.yaml"
    study.write_text(STUDY)
    out = tmp_path / "store"
    rng = random.Random(SEED)
    interrupted = 0
    for _ in range(KILLS):
        before = _parts(out)
        # Kill at a random point after some progress (a fixed delay would depend on how
        # fast the machine starts Python), sometimes in the middle of writing a part.
        target = before + rng.randint(1, 60)
        proc = _sweep(study, out)
        deadline = time.monotonic() + 120.0
        while proc.poll() is None and _parts(out) < target and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(rng.uniform(0.0, 0.05))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            interrupted += 1
        proc.wait()
        assert _parts(out) > before
    # The test means something only if runs were cut off part-way.
    assert interrupted >= 2
    assert _parts(out) < 400
    proc = _sweep(study, out, keep_output=True)
    stdout, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0
    summary = json.loads(stdout)
    assert summary["chunks_run"] + summary["chunks_resumed"] == 400

    reference = tmp_path / "reference"
    run_study(parse_study(STUDY), reference)
    sql = "SELECT * FROM samples ORDER BY sample_id"
    got, want = query(out, sql), query(reference, sql)
    assert got[0] == want[0]
    diff = [(g, w) for g, w in zip(got[1], want[1], strict=True) if g != w]
    assert not diff, f"{len(diff)} rows differ, first {diff[0]}"
    _, counts = query(out, "SELECT count(*), count(DISTINCT sample_id) FROM samples")
    assert counts == [(8000, 8000)]
    assert not list((out / "parts").glob(".*"))


def test_the_cli_reports_a_bad_study_and_exits_2(tmp_path: Path) -> None:
    study = tmp_path / "bad.yaml"
    study.write_text(STUDY.replace("mass.kerb_kg", "mass.kerb"))
    result = CliRunner().invoke(app, ["sweep", str(study), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "variables.mass.kerb (line 8)" in result.output
    assert not (tmp_path / "o").exists()


def test_the_cli_queries_and_exports(tmp_path: Path) -> None:
    study = tmp_path / "s.yaml"
    study.write_text(STUDY.replace("samples: 8000", "samples: 40"))
    runner = CliRunner()
    ran = runner.invoke(app, ["sweep", str(study), "--workers", "1", "--json"])
    assert ran.exit_code == 0, ran.output
    store = tmp_path / "s-results"
    res = runner.invoke(
        app, ["sweep-query", str(store), "SELECT count(*) AS n FROM samples", "--json"]
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == [{"n": 40}]
    res = runner.invoke(app, ["sweep-query", str(store), "--export", str(tmp_path / "x.csv")])
    assert res.exit_code == 0, res.output
    assert len((tmp_path / "x.csv").read_text().splitlines()) == 41
    other = study.read_text().replace("seed: 5", "seed: 6")
    study.write_text(other)
    res = runner.invoke(app, ["sweep", str(study), "--workers", "1"])
    assert res.exit_code == 2
    assert "different study" in res.output
