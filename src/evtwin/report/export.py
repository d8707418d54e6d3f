"""The report as PNG files (one a figure, through kaleido) and as a PDF (the HTML report
printed by headless Chromium).

Both need a Chromium: Debian's ``/usr/bin/chromium`` (``apt-get install chromium``), or
the one ``BROWSER_PATH`` names (the variable kaleido's browser driver, choreographer,
reads too). evtwin never downloads a browser. Each file is written whole or not at all:
rendered first, then a temporary file in the target folder renamed into place.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import struct
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Where Debian's package puts Chromium.
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")

#: Width of each PNG in CSS pixels (about the HTML report's), drawn at twice that in
#: device pixels so that it stays sharp on a high-density screen or in print.
PNG_WIDTH_PX = 1000
PNG_SCALE = 2

#: The PDF's page: A4 with 12 mm margins, so 186 mm of content, in CSS pixels
#: (96 to the inch). Chromium lays the page out in a window this wide, so plotly
#: draws each figure at the width it is printed at (not clipped, not shrunk).
_A4_CONTENT_PX = round((210.0 - 2 * 12.0) / 25.4 * 96.0)
_PRINT_CSS = "@page { size: A4; margin: 12mm; }"

#: Seconds Chromium may take to load, draw and print the report (it takes about five).
PDF_TIMEOUT_S = 120.0

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class ExportError(RuntimeError):
    """The browser ran but did not produce the file (its message says why)."""


def find_chromium(flag: str = "--pdf and --png") -> Path:
    """The Chromium that ``flag`` draws with: ``BROWSER_PATH`` if set, else Debian's.

    Raises ValueError (the command line's bad-input error, status 2) naming what is
    missing and how to install it.
    """
    named = os.environ.get("BROWSER_PATH")
    path = Path(named) if named else DEBIAN_CHROMIUM
    if path.is_file() and os.access(path, os.X_OK):
        return path
    where = f"BROWSER_PATH={named}" if named else str(DEBIAN_CHROMIUM)
    raise ValueError(
        f"{flag}: drawn with Chromium, and there is none at {where}: install "
        "Debian's with `apt-get install chromium` (or set BROWSER_PATH to a Chromium "
        "or Chrome executable); evtwin never downloads a browser"
    )


def check_pdf_target(path: Path) -> None:
    """Refuse a PDF path that cannot be written (before any simulation)."""
    if path.is_dir() or not path.parent.is_dir():
        raise ValueError(f"--pdf {path}: give a file in an existing folder")


def check_png_folder(folder: Path) -> None:
    """Refuse a PNG folder that is a file, or lies under one (before any simulation)."""
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"--png {folder}: is a file; give a folder (made if missing)")
    for parent in folder.parents:
        if parent.exists():
            if not parent.is_dir():
                raise ValueError(f"--png {folder}: {parent} is a file, not a folder")
            break


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomically(data: bytes, target: Path, suffix: str) -> None:
    """Write ``target`` whole or not at all: a temporary file beside it, renamed into place."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".report-", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        # mkstemp makes the file private (0600); a report is shared like any file made
        # with open(), so it takes the usual mode under the user's umask.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------- PNG


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height in pixels from a PNG's header; ValueError if it is not a PNG."""
    if data[:8] != _PNG_MAGIC or data[12:16] != b"IHDR":
        raise ValueError("not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


async def _render_pngs(figs: Mapping[str, Any], browser: Path) -> dict[str, bytes]:
    import kaleido  # type: ignore[import-untyped]

    opts = {"format": "png", "width": PNG_WIDTH_PX, "scale": PNG_SCALE}
    # One browser for every figure; MathJax off, as it would be fetched from the network
    # (the report has no LaTeX) and plotly.js comes from the installed plotly.
    async with kaleido.Kaleido(path=str(browser), mathjax=False) as k:
        return {name: bytes(await k.calc_fig(fig, opts=opts)) for name, fig in figs.items()}


def write_pngs(figs: Mapping[str, Any], folder: Path, browser: Path) -> list[Path]:
    """Each figure as ``folder/<name>.png`` (the folder made if missing); the paths."""
    check_png_folder(folder)
    try:
        images = asyncio.run(_render_pngs(figs, browser))
    except Exception as exc:  # kaleido's own errors carry no common base
        raise ExportError(f"--png: kaleido could not draw the figures: {exc}") from exc
    for name, data in images.items():
        try:
            png_size(data)
        except ValueError:
            raise ExportError(f"--png: kaleido returned no PNG for {name}") from None
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in images.items():
        target = folder / f"{name}.png"
        write_atomically(data, target, ".png")
        paths.append(target)
    return paths


# ---------------------------------------------------------------- PDF


@dataclass(frozen=True)
class PdfFacts:
    """What a PDF says of itself without being drawn: enough to tell a blank one."""

    pages: int
    title: str | None


def pdf_facts(data: bytes) -> PdfFacts:
    """Page count (page objects) and the document title of a PDF as Chromium writes it
    (uncompressed object dictionaries); ValueError if it is not a PDF."""
    if not data.startswith(b"%PDF-"):
        raise ValueError("not a PDF file")
    pages = len(re.findall(rb"/Type\s*/Page\b", data))
    m = re.search(rb"/Title\s*\(((?:\\.|[^\\)])*)\)", data)
    title = None if m is None else re.sub(rb"\\(.)", rb"\1", m.group(1)).decode("latin-1")
    return PdfFacts(pages=pages, title=title)


def _print_css(html_text: str) -> str:
    """The report with an A4 page rule (the screen styles stay as they are)."""
    return html_text.replace("</head>", f"<style>{_PRINT_CSS}</style></head>", 1)


def _chromium_print(browser: Path, page: Path, pdf: Path, profile: Path) -> None:
    args = [
        str(browser),
        "--headless",
        # Root cannot use Chromium's sandbox; the page is evtwin's own report.
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--no-default-browser-check",
        f"--user-data-dir={profile}",
        f"--window-size={_A4_CONTENT_PX},1200",
        # Virtual time runs the page's scripts (plotly drawing every figure) to
        # completion before printing, without waiting on the wall clock.
        "--virtual-time-budget=20000",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        page.as_uri(),
    ]
    # A session of its own, so a hung browser is ended with all its helper processes.
    proc = subprocess.Popen(
        args,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _, stderr = proc.communicate(timeout=PDF_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise ExportError(f"--pdf: Chromium did not finish in {PDF_TIMEOUT_S:.0f} s") from None
    if proc.returncode != 0 or not pdf.is_file():
        tail = stderr.decode(errors="replace").strip().splitlines()[-5:]
        raise ExportError(f"--pdf: Chromium failed (status {proc.returncode}): " + " | ".join(tail))


def write_pdf(html_text: str, target: Path, browser: Path) -> Path:
    """The HTML report printed to ``target`` as an A4 PDF by headless Chromium."""
    check_pdf_target(target)
    with tempfile.TemporaryDirectory(prefix="evtwin-pdf-") as tmp:
        work = Path(tmp)
        page = work / "report.html"
        page.write_text(_print_css(html_text), encoding="utf-8")
        pdf = work / "report.pdf"
        # A fresh profile each time: nothing of the user's browser is read or changed.
        _chromium_print(browser, page, pdf, work / "profile")
        data = pdf.read_bytes()
    try:
        facts = pdf_facts(data)
    except ValueError:
        raise ExportError("--pdf: Chromium wrote something that is not a PDF") from None
    if facts.pages < 1:
        raise ExportError("--pdf: Chromium wrote a PDF with no pages")
    write_atomically(data, target, ".pdf")
    return target


__all__ = [
    "DEBIAN_CHROMIUM",
    "ExportError",
    "PdfFacts",
    "check_pdf_target",
    "check_png_folder",
    "find_chromium",
    "pdf_facts",
    "png_size",
    "write_atomically",
    "write_pdf",
    "write_pngs",
]
