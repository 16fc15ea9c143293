"""The served site in a real browser: headless Chromium types a misspelt query into the
search box and must see the right object first; without the server, Sphinx's search works.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them) and the
``selenium`` package; skipped with the reason when they are missing (the ``browser`` fixture
of conftest.py).
"""

from __future__ import annotations

import threading
import urllib.parse

import pytest

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


def test_without_the_server_sphinx_search_still_works(browser, sphinx_site):
    page = (sphinx_site["html"] / "search.html").as_uri() + "?q=record"
    browser.get(page)
    first = _wait(browser, "#search-results li a")
    assert first.text
    assert not browser.find_elements("css selector", "#mg-search-results")
