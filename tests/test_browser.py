"""The report in a real browser (Debian's chromium, driven by playwright) on a desktop and on a phone.

What a reader meets: the page never scrolls sideways; a wide table scrolls inside its own frame, with a hint on a
phone; figures fit the desktop column and keep their labels legible on a phone; the page loads nothing from
anywhere else. The hints rely on scroll-state container queries, which chromium has. CI (.ci/run) installs
chromium when it is missing and requires this test to run; elsewhere it is skipped, with the reason, when no
chromium is found.
"""

from __future__ import annotations

import os
import shutil

import pytest

pytestmark = pytest.mark.slow

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
SMALLEST_FONT_PT = 7  # the smallest text in any figure (tick labels of the month-by-month figures)
LEGIBLE_PX = 9  # the smallest text size a phone reader can still read without zooming


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    if executable is None:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("geen chromium gevonden; installeer het (apt-get install chromium)")
        pytest.skip("geen chromium gevonden (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        yield b
        b.close()


MEASURE = """() => {
  const doc = document.documentElement;
  const frames = [...document.querySelectorAll('figure.table')].map(f => {
    const box = f.querySelector('.table-scroll');
    const hint = f.querySelector('.scroll-hint');
    const r = box.getBoundingClientRect();
    return {id: f.id, inFrame: !!box && box.contains(f.querySelector('table')), right: r.right, left: r.left,
            overflows: box.scrollWidth > box.clientWidth,
            hint: !!hint && getComputedStyle(hint).display !== 'none'};
  });
  const images = [...document.querySelectorAll('figure.chart img')].map(img => {
    const frame = img.closest('.chart-scroll');
    const hint = img.closest('figure').querySelector('.scroll-hint');
    return {id: img.closest('figure').id, loaded: img.complete && img.naturalWidth > 0,
            width: img.getBoundingClientRect().width, natural: img.naturalWidth,
            frameRight: frame.getBoundingClientRect().right,
            overflows: frame.scrollWidth > frame.clientWidth,
            hint: !!hint && getComputedStyle(hint).display !== 'none'};
  });
  return {scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, frames, images};
}"""


@pytest.mark.parametrize("device", list(WIDTHS))
def test_the_report_reads_on_desktop_and_phone(browser, default_run, device):
    out, _ = default_run
    width, height = WIDTHS[device]
    page = browser.new_page(viewport={"width": width, "height": height})
    requests = []
    page.on("request", lambda req: requests.append(req.url))
    page.goto((out / "rendementsanalyse.html").as_uri())
    page.wait_for_load_state("load")
    m = page.evaluate(MEASURE)
    page.close()

    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []  # nothing from elsewhere
    assert m["scrollWidth"] <= m["clientWidth"], "the page itself scrolls sideways"
    assert m["frames"] and m["images"]
    for f in m["frames"]:
        assert f["inFrame"], f["id"]
        assert f["left"] >= 0 and f["right"] <= width + 0.5, f  # the frame stays on the screen
        assert f["hint"] == f["overflows"], f  # the hint shows exactly when the table scrolls
        if device == "desktop":
            assert not f["overflows"], f  # on a desktop every table fits the column
    for img in m["images"]:
        assert img["loaded"], img["id"]
        assert img["frameRight"] <= width + 0.5, img
        if device == "desktop":
            assert not img["overflows"] and img["width"] <= width, img  # fits the column
        else:
            smallest = SMALLEST_FONT_PT * 4 / 3 * img["width"] / img["natural"]
            assert smallest >= LEGIBLE_PX, (img["id"], round(smallest, 1))  # labels stay readable
            assert img["hint"] == img["overflows"], img
    if device == "phone":
        assert any(f["overflows"] and f["hint"] for f in m["frames"])  # the wide tables scroll, with the hint
