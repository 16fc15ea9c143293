"""docs/_static/zoom.js in headless Chromium, opened from disk (file://, no server, no CDN):
a network diagram zooms with the wheel around the pointer, pans by dragging, and the Reset
button puts it back; the picture stays in its viewport and the page does not scroll.

Needs Debian's ``chromium`` and ``chromium-driver`` and the ``selenium`` package; skipped with
the reason when they are missing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from minigluon import viz
from minigluon.gluon import nn

pytestmark = [pytest.mark.browser]

STATIC = Path(__file__).resolve().parents[2] / "docs" / "_static"


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    """A page laid out as MyST-NB lays out a figure, with a real plot_network SVG."""
    if not shutil.which("dot"):
        pytest.skip("Graphviz's dot is not installed")
    out = tmp_path_factory.mktemp("zoom")
    net = nn.HybridSequential(prefix="net_")
    with net.name_scope():
        net.add(nn.Conv2D(4, 3, activation="relu"), nn.MaxPool2D(), nn.Dense(3))
    (out / "net.svg").write_bytes(
        viz.plot_network(net, shape={"data": (1, 1, 12, 12)}).pipe(format="svg"))
    for name in ("zoom.js", "zoom.css"):
        shutil.copy(STATIC / name, out)
    (out / "index.html").write_text(
        "<!DOCTYPE html><html><head><link rel='stylesheet' href='zoom.css'>"
        "<script src='zoom.js'></script></head><body style='width:600px'>"
        "<p style='height:300px'>text above</p>"
        "<figure class='mg-zoom'><img alt='A small network' src='net.svg' style='max-width:100%'>"
        "<figcaption>A caption</figcaption></figure><p style='height:2000px'>below</p>"
        "</body></html>")
    return out / "index.html"


def _state(driver) -> dict:
    return driver.execute_script(
        "const v = document.querySelector('.mg-zoom-viewport'), i = v.querySelector('img');"
        "const r = v.getBoundingClientRect(), q = i.getBoundingClientRect();"
        "return {scale: parseFloat(v.dataset.scale), width: q.width, left: q.left - r.left,"
        " top: q.top - r.top, vw: r.width, vh: r.height, scrollY: window.scrollY,"
        " label: v.getAttribute('aria-label'), reset: document.querySelector("
        "'.mg-zoom-bar button:nth-of-type(3)').disabled};")


def test_wheel_zooms_drag_pans_and_reset_restores(browser, page) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(page.as_uri())
    WebDriverWait(browser, 10).until(lambda d: d.execute_script(
        "const i = document.querySelector('.mg-zoom-viewport img');"
        "return i && i.complete && i.naturalWidth > 0"))
    before = _state(browser)
    assert before["scale"] == 1 and before["reset"]
    assert before["label"].startswith("A small network (zoomable")
    viewport = browser.find_element(By.CSS_SELECTOR, ".mg-zoom-viewport")

    # three wheel notches up over the viewport's centre: bigger, page not scrolled
    for _ in range(3):
        ActionChains(browser).scroll_to_element(viewport).perform()
        browser.execute_script(
            "const v = arguments[0], r = v.getBoundingClientRect();"
            "v.dispatchEvent(new WheelEvent('wheel', {deltaY: -120, bubbles: true,"
            " cancelable: true, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2}));",
            viewport)
    zoomed = _state(browser)
    assert zoomed["scale"] > 2 and zoomed["width"] > 2 * before["width"]
    assert not zoomed["reset"]
    assert abs(zoomed["vh"] - before["vh"]) < 1  # the viewport keeps its size

    # drag right and down by 40 px: the picture follows the pointer
    ActionChains(browser).move_to_element(viewport).click_and_hold().move_by_offset(
        -40, -30).release().perform()
    panned = _state(browser)
    assert panned["left"] == pytest.approx(zoomed["left"] - 40, abs=1)
    assert panned["top"] == pytest.approx(zoomed["top"] - 30, abs=1)

    browser.find_element(By.CSS_SELECTOR, ".mg-zoom-bar button:nth-of-type(3)").click()
    back = _state(browser)
    assert back["scale"] == 1 and back["width"] == pytest.approx(before["width"], abs=1)
    assert back["left"] == pytest.approx(before["left"], abs=1)

    # the + button and the keyboard zoom too
    browser.find_element(By.CSS_SELECTOR, ".mg-zoom-bar button:nth-of-type(1)").click()
    assert _state(browser)["scale"] == pytest.approx(1.25)
    viewport.send_keys("0")
    assert _state(browser)["scale"] == 1
