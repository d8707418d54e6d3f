"""`evtwin report --png DIR` and `--pdf FILE`: the report's figures as PNG files and the
report as a PDF, both drawn by Debian's Chromium.

The card takes the simulation's ten to twenty seconds, so one is built for the module
and the command is run on it (``headline_card`` stood in for) once for both outputs.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evtwin.cli import app
from evtwin.commands.study_run import executor_for
from evtwin.report import card as card_module
from evtwin.report.card import Card, headline_card
from evtwin.report.export import DEBIAN_CHROMIUM, pdf_facts, png_size
from evtwin.report.figures import FIGURE_NAMES, report_figures

runner = CliRunner()

needs_chromium = pytest.mark.skipif(
    not DEBIAN_CHROMIUM.is_file(),
    reason=f"no Chromium at {DEBIAN_CHROMIUM} (`make browser` or `apt-get install chromium`)",
)


@pytest.fixture(scope="module")
def card() -> Card:
    # Built as the command builds it (the claims check on a process pool), and once.
    factory, n = executor_for(None, None, False)
    return headline_card("defender-sport", claims_executor=factory, claims_workers=n)


@pytest.fixture(scope="module")
def exported(card: Card, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder holding `evtwin report --png figs/new --pdf report.pdf` on ``card``."""
    if not DEBIAN_CHROMIUM.is_file():
        pytest.skip(f"no Chromium at {DEBIAN_CHROMIUM} (`apt-get install chromium`)")
    out = tmp_path_factory.mktemp("export")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(card_module, "headline_card", lambda *a, **k: card)
        mp.delenv("BROWSER_PATH", raising=False)  # Debian's, as in CI
        result = runner.invoke(
            app,
            ["report", "--json", "--png", str(out / "figs" / "new"), "--pdf", str(out / "r.pdf")],
        )
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def no_simulation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bad input must be refused before the twenty-second simulation starts."""

    def refuse(*args: object, **kwargs: object) -> Card:
        raise AssertionError("simulated before checking the paths")

    monkeypatch.setattr(card_module, "headline_card", refuse)


@needs_chromium
def test_png_one_valid_file_per_figure(card: Card, exported: Path) -> None:
    folder = exported / "figs" / "new"  # made, parents and all
    files = sorted(folder.iterdir())
    figs = report_figures(card)
    # The Defender Sport has claims and an off-road scorecard: every figure is drawn.
    assert tuple(figs) == FIGURE_NAMES
    assert [f.name for f in files] == sorted(f"{name}.png" for name in FIGURE_NAMES)
    heights = {n: f.layout.height for n, f in figs.items()}
    for f in files:
        data = f.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", f.name
        width, height = png_size(data)
        # 1000 CSS px wide at scale 2; the figure's own height, also doubled.
        assert (width, height) == (2000, 2 * heights[f.stem]), f.name
        assert len(data) > 20_000, f"{f.name}: {len(data)} bytes, too small to hold a chart"


@needs_chromium
def test_pdf_is_the_report_with_its_figures(card: Card, exported: Path) -> None:
    data = (exported / "r.pdf").read_bytes()
    assert data.startswith(b"%PDF-")
    assert 50_000 < len(data) < 20_000_000, len(data)
    facts = pdf_facts(data)
    # Tables, the claims and six charts: more than one A4 page.
    assert facts.pages >= 2, facts
    assert facts.title is not None
    assert card.subject.name in facts.title
    # Plotly draws in SVG, printed as vector paths: count the rectangles (bars, heatmap
    # cells) in the page contents to tell a report with its charts from a blank one.
    rects = 0
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.DOTALL):
        try:
            rects += zlib.decompress(m.group(1)).count(b" re\n")
        except zlib.error:
            continue  # fonts and images
    assert rects > 200, rects


@needs_chromium
def test_nothing_but_the_outputs_is_left(exported: Path) -> None:
    left = sorted(p.relative_to(exported).as_posix() for p in exported.rglob("*"))
    assert not [p for p in left if Path(p).name.startswith(".report-")], left
    assert "r.pdf" in left


def test_png_into_a_file_is_refused_first(tmp_path: Path, no_simulation: None) -> None:
    keep = tmp_path / "keep.png"
    keep.write_bytes(b"earlier")
    for bad in (keep, keep / "below"):
        result = runner.invoke(app, ["report", "--png", str(bad)])
        assert result.exit_code == 2, result.output
        assert "--png" in result.output
    assert keep.read_bytes() == b"earlier"


def test_pdf_to_a_folder_or_a_missing_one_is_refused_first(
    tmp_path: Path, no_simulation: None
) -> None:
    for bad in (tmp_path, tmp_path / "no" / "r.pdf"):
        result = runner.invoke(app, ["report", "--pdf", str(bad)])
        assert result.exit_code == 2, result.output
        assert "--pdf" in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_missing_chromium_is_named_with_its_install_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_simulation: None
) -> None:
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium"))
    pdf, figs = tmp_path / "r.pdf", tmp_path / "figs"
    result = runner.invoke(app, ["report", "--pdf", str(pdf), "--png", str(figs)])
    assert result.exit_code == 2, result.output
    assert "Chromium" in result.output
    assert "apt-get install chromium" in result.output
    assert "--pdf and --png" in result.output
    assert not pdf.exists()
    assert not figs.exists()


def test_a_browser_that_fails_writes_nothing(
    card: Card, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A browser that runs but prints nothing: status 1 with the reason, no file."""
    monkeypatch.setattr(card_module, "headline_card", lambda *a, **k: card)
    monkeypatch.setenv("BROWSER_PATH", "/bin/false")
    pdf = tmp_path / "r.pdf"
    result = runner.invoke(app, ["report", "--pdf", str(pdf)])
    assert result.exit_code == 1, result.output
    assert "Chromium failed" in result.output
    assert list(tmp_path.iterdir()) == []
