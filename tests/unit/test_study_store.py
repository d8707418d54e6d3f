"""The study runner and its store: any executor gives the same rows; a damaged or
mismatched store is refused; queries and exports read what was stored."""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from evtwin.study.definition import StudyPlan, parse_study
from evtwin.study.executors import dask_executor, process_pool
from evtwin.study.runner import run_study
from evtwin.study.store import StoreError, export, open_store, query, read_store

STUDY = """\
name: small
vehicle: defender-sport
seed: 11
sampler: sobol
samples: 32
chunk_size: 16
variables:
  mass.kerb_kg: {distribution: triangular}
  body.drag_coefficient: {distribution: uniform}
  battery.usable_energy_kwh: {distribution: grid, points: 2}
correlation:
  - {variables: [mass.kerb_kg, body.drag_coefficient], rho: 0.3}
outputs: [wltp_range_km, epa_range_mi]
"""


def _plan(text: str = STUDY) -> StudyPlan:
    return parse_study(text)


def _rows(store: Path) -> list[tuple[object, ...]]:
    return query(store, "SELECT * FROM samples ORDER BY sample_id")[1]


@pytest.fixture(scope="module")
def serial_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("serial") / "store"
    run_study(_plan(), out)
    return out


def test_a_run_stores_every_sample_once(serial_store: Path) -> None:
    rows = _rows(serial_store)
    assert [r[0] for r in rows] == list(range(64))
    store = read_store(serial_store)
    assert store.manifest["seed"] == 11
    assert store.manifest["n_chunks"] == 4
    assert store.manifest["vehicle_id"] == "defender-sport"
    assert sorted(p.name for p in store.parts_dir.iterdir()) == [
        f"chunk-{c:06d}.parquet" for c in range(4)
    ]


def test_a_process_pool_gives_the_serial_rows(serial_store: Path, tmp_path: Path) -> None:
    run = run_study(_plan(), tmp_path / "pool", executor=lambda: process_pool(2), workers=2)
    assert run.chunks_run == 4
    assert _rows(tmp_path / "pool") == _rows(serial_store)


def _spare_core_enabled() -> bool | None:
    from evtwin.sim import spare_core

    return spare_core._ENABLED


def test_a_process_pool_turns_its_workers_spare_core_off() -> None:
    """A worker per core already: a worker's helper thread would only take turns."""
    with process_pool(1) as (pool, _):
        assert pool.submit(_spare_core_enabled).result() is False


def test_a_dask_local_cluster_gives_the_serial_rows(serial_store: Path, tmp_path: Path) -> None:
    run_study(_plan(), tmp_path / "dask", executor=lambda: dask_executor(workers=2), workers=2)
    assert _rows(tmp_path / "dask") == _rows(serial_store)


def test_a_dask_scheduler_address_gives_the_serial_rows(serial_store: Path, tmp_path: Path) -> None:
    """`evtwin sweep --scheduler tcp://...`: a cluster started elsewhere (as dask-jobqueue
    or dask-kubernetes would) is reached by its address alone."""
    from distributed import LocalCluster
    from typer.testing import CliRunner

    from evtwin.cli import app

    study = tmp_path / "small.yaml"
    study.write_text(STUDY)
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        result = CliRunner().invoke(
            app,
            [
                "sweep",
                str(study),
                "--out",
                str(tmp_path / "remote"),
                "--scheduler",
                cluster.scheduler_address,
                "--workers",
                "2",
                "--json",
            ],
        )
    assert result.exit_code == 0, result.output
    assert _rows(tmp_path / "remote") == _rows(serial_store)


def test_resuming_runs_only_the_missing_chunks(serial_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "resume"
    run_study(_plan(), out)
    (out / "parts" / "chunk-000002.parquet").unlink()
    # What an unfinished write leaves behind never counts.
    (out / "parts" / ".chunk-000001.parquet.tmp-999").write_bytes(b"PAR1 half a part")
    run = run_study(_plan(), out)
    assert (run.chunks_run, run.chunks_resumed) == (1, 3)
    assert _rows(out) == _rows(serial_store)
    assert not list((out / "parts").glob(".*"))


def test_a_corrupt_part_is_named(serial_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "corrupt"
    run_study(_plan(), out)
    part = out / "parts" / "chunk-000001.parquet"
    data = bytearray(part.read_bytes())
    part.write_bytes(bytes(data[: len(data) // 2]))  # truncated, as a full disk leaves it
    with pytest.raises(StoreError, match=r"chunk-000001\.parquet: corrupt part"):
        run_study(_plan(), out)
    with pytest.raises(StoreError, match=r"chunk-000001\.parquet: corrupt part"):
        query(out, "SELECT count(*) FROM samples")


def test_a_flipped_byte_is_caught_by_the_page_checksums(tmp_path: Path) -> None:
    out = tmp_path / "flipped"
    run_study(_plan(), out)
    part = out / "parts" / "chunk-000000.parquet"
    data = bytearray(part.read_bytes())
    # Inside the first data page (after the 4-byte magic and the page header).
    data[60] ^= 0xFF
    part.write_bytes(bytes(data))
    with pytest.raises(StoreError, match=r"chunk-000000\.parquet"):
        run_study(_plan(), out)


def test_a_part_of_another_study_is_named(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    run_study(_plan(), a)
    run_study(_plan(STUDY.replace("seed: 11", "seed: 12")), b)
    (b / "parts" / "chunk-000003.parquet").replace(a / "parts" / "chunk-000003.parquet")
    with pytest.raises(StoreError, match=r"chunk-000003\.parquet: the part belongs to another"):
        run_study(_plan(), a)


def test_a_store_of_another_study_is_refused_not_mixed(tmp_path: Path) -> None:
    out = tmp_path / "mismatch"
    run_study(_plan(), out)
    before = _rows(out)
    other = _plan(STUDY.replace("seed: 11", "seed: 99"))
    with pytest.raises(StoreError, match=r"different study \(study_hash: .*seed: stored 11"):
        run_study(other, out)
    assert _rows(out) == before
    # Another vehicle, same study text: the vehicle's hash differs.
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["vehicle_hash"] = "0" * 64
    (out / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(StoreError, match="vehicle_hash"):
        run_study(_plan(), out)
    # --fresh discards the old results and starts again.
    run = run_study(other, out, fresh=True)
    assert run.chunks_run == 4
    assert read_store(out).manifest["seed"] == 99


def test_a_folder_that_is_not_a_store_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(StoreError, match="not a study store"):
        run_study(_plan(), tmp_path, fresh=True)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_export_to_csv_and_parquet(serial_store: Path, tmp_path: Path) -> None:
    n = export(serial_store, tmp_path / "all.csv")
    assert n == 64
    lines = (tmp_path / "all.csv").read_text().splitlines()
    assert lines[0].split(",")[:2] == ["sample_id", "battery__usable_energy_kwh"]
    assert len(lines) == 65
    sql = "SELECT sample_id, wltp_range_km FROM samples WHERE wltp_range_km > 400"
    m = export(serial_store, tmp_path / "long.parquet", sql)
    table = pq.read_table(tmp_path / "long.parquet")
    assert table.num_rows == m
    assert min(table.column("wltp_range_km").to_pylist()) > 400
    with pytest.raises(ValueError, match=r"\.csv or \.parquet"):
        export(serial_store, tmp_path / "x.xlsx")


def test_one_run_writes_a_store_at_a_time(tmp_path: Path) -> None:
    out = tmp_path / "locked"
    plan = _plan()
    store = open_store(out, plan)
    with store.writing(), pytest.raises(StoreError, match="another run is writing"):
        run_study(plan, out)
    # The lock goes with its holder: the store is free again.
    assert run_study(plan, out).chunks_run == 4


def test_a_run_may_wait_for_the_writer_and_then_resume(tmp_path: Path) -> None:
    """With ``wait_s`` a second run waits for the lock (the claims check's shared store),
    then finds the first run's chunks done; waiting too little is the same error, saying
    how long it waited."""
    out = tmp_path / "shared"
    plan = _plan()
    store = open_store(out, plan)
    first_done = threading.Event()

    def first() -> None:
        with store.writing():
            time.sleep(0.6)
            first_done.set()  # its work done, just before it lets go

    holder = threading.Thread(target=first)
    holder.start()
    time.sleep(0.1)  # the holder has the lock
    with pytest.raises(StoreError, match=r"another run is writing this store \(waited 0.1 s\)"):
        run_study(plan, out, wait_s=0.1)
    run = run_study(plan, out, wait_s=30.0)
    assert first_done.is_set()
    assert run.chunks_run == 4
    holder.join()
    assert run_study(plan, out, wait_s=30.0).chunks_run == 0  # then read, not run again


def test_fresh_leaves_a_store_another_run_is_writing(tmp_path: Path) -> None:
    """``--fresh`` discards a store only under its write lock: while another run writes
    it, the store is left as it is (that run's results and its lock with it)."""
    out = tmp_path / "busy"
    plan = _plan()
    run_study(plan, out)
    before = _rows(out)
    other = _plan(STUDY.replace("seed: 11", "seed: 99"))
    with read_store(out).writing():
        with pytest.raises(StoreError, match="another run is writing this store; not discarded"):
            run_study(other, out, fresh=True)
        assert _rows(out) == before
        assert read_store(out).manifest["seed"] == 11
    # Free again: discarded and run afresh.
    assert run_study(other, out, fresh=True).chunks_run == 4
    assert read_store(out).manifest["seed"] == 99


def test_a_run_waiting_for_a_store_discarded_meanwhile_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run waiting for the write lock holds the lock file it opened; when the store is
    discarded and made again meanwhile, that file is no longer the store's. The run
    stops with an error instead of writing its chunks beside a second writer's."""
    import fcntl

    out = tmp_path / "remade"
    plan = _plan()
    store = open_store(out, plan)
    errors: list[StoreError] = []
    results: list[object] = []
    tried = threading.Event()
    real_flock = fcntl.flock

    def flock(fd: int, op: int) -> None:
        if threading.current_thread() is waiter:
            tried.set()
        real_flock(fd, op)

    def wait_for_it() -> None:
        try:
            results.append(run_study(plan, out, wait_s=30.0))
        except StoreError as exc:
            errors.append(exc)

    monkeypatch.setattr(fcntl, "flock", flock)
    waiter = threading.Thread(target=wait_for_it)
    with store.writing():
        waiter.start()
        assert tried.wait(30.0)  # the waiter has the old lock file open and waits
        shutil.rmtree(out)  # what --fresh does, under the lock
        open_store(out, plan)
    waiter.join(30.0)
    assert not results
    assert len(errors) == 1
    assert "discarded" in str(errors[0])
    assert not list((out / "parts").glob("*.parquet"))  # nothing written into the new store


def test_results_of_other_code_are_refused_not_resumed(serial_store: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(serial_store, copy)
    mf = copy / "manifest.json"
    manifest = json.loads(mf.read_text())
    manifest["code_hash"] = "0" * 64
    mf.write_text(json.dumps(manifest))
    with pytest.raises(StoreError, match="code_hash"):
        run_study(_plan(), copy)
