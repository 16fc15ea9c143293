"""The site in a real browser, served and opened from disk: headless Chromium types a misspelt
query into the search box and must see the right object first either way; without the
exported index (and no server), Sphinx's search works.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them) and the
``selenium`` package; skipped with the reason when they are missing (the ``browser`` fixture
of conftest.py).
"""

from __future__ import annotations

import shutil
import threading
import urllib.parse

import pytest

from search.browser_index import DATA_FILE
from search.evaluate import load_queries
from search.server import make_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

@pytest.fixture(scope="module")
def served(sphinx_site):
    server = make_server(port=0, html_dir=sphinx_site["html"], index_dir=sphinx_site["index"],
                         quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    yield f"http://{host}:{port}"
    server.shutdown()
    server.server_close()


def _wait(driver, css: str, timeout: float = 20):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, css)))


def test_search_box_finds_a_misspelt_name(browser, served):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(f"{served}/index.html")
    box = next(e for e in browser.find_elements(By.CSS_SELECTOR, "input.sidebar-search")
               if e.is_displayed())
    box.send_keys("mark varibles")
    first = _wait(browser, ".mg-search-dropdown .mg-search-result .mg-search-name")
    assert first.text == "minigluon.autograd.mark_variables"
    dym = _wait(browser, ".mg-search-dropdown .mg-search-dym")
    assert "mark variables" in dym.text
    link = browser.find_element(By.CSS_SELECTOR, ".mg-search-dropdown .mg-search-link")
    assert link.get_attribute("href").endswith(
        "api/_autosummary/minigluon.autograd.mark_variables.html"
        "#minigluon.autograd.mark_variables")

    box.send_keys(Keys.ENTER)  # no result highlighted: the search page, with our results
    first = _wait(browser, "#mg-search-results .mg-search-result .mg-search-name")
    assert first.text == "minigluon.autograd.mark_variables"
    assert not browser.find_element(By.ID, "search-results").is_displayed()


def test_result_text_is_not_html(browser, served):
    from selenium.webdriver.common.by import By

    q = urllib.parse.quote('<img src=x onerror="document.title=1">record')
    browser.get(f"{served}/search.html?q={q}")
    _wait(browser, "#mg-search-results")
    assert browser.title != "1"
    assert not browser.find_elements(By.CSS_SELECTOR, "#mg-search-results img")


def test_from_disk_the_search_box_finds_a_misspelt_name(browser, sphinx_site):
    """Opened as a file (no server), the site answers with the exported index."""
    from selenium.webdriver.common.by import By

    browser.get((sphinx_site["html"] / "index.html").as_uri())
    box = next(e for e in browser.find_elements(By.CSS_SELECTOR, "input.sidebar-search")
               if e.is_displayed())
    box.click()
    box.send_keys("mark varibles")
    first = _wait(browser, ".mg-search-dropdown .mg-search-result .mg-search-name")
    assert first.text == "minigluon.autograd.mark_variables"
    assert "mark variables" in _wait(browser, ".mg-search-dropdown .mg-search-dym").text
    match = browser.find_element(By.CSS_SELECTOR, ".mg-search-dropdown .mg-search-match")
    assert match.text.endswith("% match")
    href = browser.find_element(By.CSS_SELECTOR, ".mg-search-dropdown .mg-search-link")
    assert href.get_attribute("href").startswith("file://")


def test_from_disk_the_search_page_shows_our_results(browser, sphinx_site):
    page = (sphinx_site["html"] / "search.html").as_uri()
    browser.get(page + "?q=" + urllib.parse.quote("set traning"))
    first = _wait(browser, "#mg-search-results .mg-search-result .mg-search-name")
    assert first.text == "minigluon.autograd.set_training"
    browser.get(page + "?q=kubernetes")  # nothing like it in this small site
    weak = _wait(browser, "#mg-search-results .mg-search-weak")
    assert weak.text.startswith("No close match for")


def test_without_the_exported_index_sphinx_search_still_works(browser, sphinx_site, tmp_path):
    site = tmp_path / "html"
    shutil.copytree(sphinx_site["html"], site)
    (site / "_static" / DATA_FILE).unlink()
    browser.get((site / "search.html").as_uri() + "?q=record")
    first = _wait(browser, "#search-results li a")
    assert first.text
    assert not browser.find_elements("css selector", "#mg-search-results")


def test_query_time_in_the_browser(browser, sphinx_site):
    """Times the engine inside Chromium on the public query set (printed; no threshold)."""
    browser.get((sphinx_site["html"] / "index.html").as_uri())
    queries = [q.text for q in load_queries()]
    browser.set_script_timeout(120)
    times = browser.execute_async_script(BROWSER_TIMING, queries)
    times.sort()
    p50, p95 = times[len(times) // 2], times[int(len(times) * 0.95)]
    print(f"\nbrowser query time over {len(times)} queries: p50 {p50:.2f} ms, p95 {p95:.2f} ms")
    assert len(times) == len(queries)


#: Loads the exported index in the page, warms up, then times each query (milliseconds).
BROWSER_TIMING = """
const [queries, done] = arguments;
const script = document.createElement("script");
script.src = document.documentElement.dataset.content_root + "_static/search-data.js";
script.onload = () => {
  const engine = new MinigluonSearchEngine.Engine(window.MINIGLUON_SEARCH_DATA);
  queries.forEach((q) => engine.search(q, 10));
  done(queries.map((q) => {
    const start = performance.now();
    engine.search(q, 10);
    return performance.now() - start;
  }));
};
document.head.append(script);
"""
