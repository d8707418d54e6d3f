"""Helpers of the browser tests: screenshots, test ids, figures and charts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

ROOT = Path(__file__).resolve().parents[2]
#: Where :func:`shot` saves (ignored by git).
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

#: A short digest of a chart's data, or null before the chart is drawn: a Plotly chart's
#: ``el.data`` (Plotly sets it on its graph div; the element may be that div or hold it),
#: or an ECharts chart's series as drawn (``getOption()`` of the chart NiceGUI's
#: ``ui.echart`` component holds; ``getElement`` is NiceGUI's own lookup).
PLOT_DIGEST_JS = """(el) => {
  if (!el) return null;
  let data = null;
  if (el.classList.contains('nicegui-echart')) {
    const chart = getElement(el)?.chart;
    const series = chart ? chart.getOption()?.series : null;
    data = Array.isArray(series) ? series.map((s) => s.data) : null;
  } else {
    const g = el.classList.contains('js-plotly-plot') ? el : el.querySelector('.js-plotly-plot');
    data = g && Array.isArray(g.data) ? g.data : null;
  }
  if (!data || data.length === 0) return null;
  const s = JSON.stringify(data, (k, v) => ArrayBuffer.isView(v) ? Array.from(v) : v);
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return `${data.length}:${s.length}:${h}`;
}"""

_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def shot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as ``test-artifacts/screenshots/<name>.png``, and
    the window's view as a small JPEG beside it (``<name>.jpg``, what the README shows:
    copy them to docs/images after a run)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.jpg"), type="jpeg", quality=70)
    return path


def sel(testid: str) -> str:
    """The CSS selector of a test id."""
    return f'[data-testid="{testid}"]'


def number(text: str) -> float:
    """The first number in a figure's text ("1,234.5 km" -> 1234.5)."""
    m = _NUMBER.search(text)
    if m is None:
        raise AssertionError(f"no number in {text!r}")
    return float(m.group().replace(",", ""))


def plot_digest(page: Page, testid: str) -> str | None:
    """The digest of the chart ``testid``'s data (None if not drawn yet)."""
    digest: str | None = page.evaluate(
        f"(s) => ({PLOT_DIGEST_JS})(document.querySelector(s))", sel(testid)
    )
    return digest


def wait_plot(page: Page, testid: str, *, other_than: str | None = None) -> str:
    """Wait until the chart ``testid`` is drawn with data (other than the digest
    ``other_than``, when given: it has re-rendered with new data); its digest."""
    page.wait_for_function(
        f"""([s, old]) => {{
            const d = ({PLOT_DIGEST_JS})(document.querySelector(s));
            return d !== null && d !== old;
        }}""",
        arg=[sel(testid), other_than],
    )
    digest = plot_digest(page, testid)
    assert digest is not None
    return digest


def is_checked(box: Locator) -> bool:
    """Whether a (Quasar) checkbox is ticked: its ``aria-checked``, else its input's state."""
    state = box.get_attribute("aria-checked")
    if state is not None:
        return state == "true"
    return box.is_checked()


def focus_slider(slider: Locator) -> None:
    """Give a Quasar slider the keyboard focus (its track container holds the tabindex
    and the key handlers, not the root that carries the test id)."""
    target = slider.locator("[tabindex]").first
    (target if target.count() else slider).focus()


def visible_errors(page: Page) -> list[str]:
    """The texts of the page's visible error boxes (``error``) that say something."""
    texts = page.locator(f"{sel('error')}:visible").all_inner_texts()
    return [t.strip() for t in texts if t.strip()]


__all__ = [
    "PLOT_DIGEST_JS",
    "ROOT",
    "SCREENSHOTS",
    "focus_slider",
    "is_checked",
    "number",
    "plot_digest",
    "sel",
    "shot",
    "visible_errors",
    "wait_plot",
]
