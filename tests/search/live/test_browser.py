"""Live code in a real browser: headless Chromium edits a guide cell, runs it and sees the new
output; "Run all above" runs a page in order; an API example runs without its prompts; the
time limit shows its message; kernel output is never HTML; without the server, no buttons.

Uses the small real Sphinx build (``sphinx_site``, notebooks not executed, so guide cells have
no output until run) and the ``browser`` fixture of conftest.py.
"""

from __future__ import annotations

import threading

import pytest

from search.live.pool import KernelPool
from search.server import make_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GUIDE = "autograd.html"
EXAMPLE = "api/_autosummary/minigluon.autograd.grad.html"


@pytest.fixture(scope="module")
def served(sphinx_site, browser):
    """The small site with live code, and the browser logged in as its owner: it opened the
    link the server prints (the one with the secret), as a reader does."""
    # 3 s: enough for the guide's imports on a busy machine, short for the time-limit test
    with KernelPool(run_timeout=3, interrupt_grace=2, max_kernels=2) as pool:
        server = make_server(port=0, html_dir=sphinx_site["html"],
                             index_dir=sphinx_site["index"], quiet=True, kernels=pool)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        host, port = server.server_address[:2]
        browser.get(server.login_url)
        assert "token=" not in browser.current_url  # redirected to the page without it
        yield f"http://{host}:{port}"
        browser.delete_all_cookies()
        server.shutdown()
        server.server_close()


def wait_for(driver, condition, timeout: float = 30):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(condition)


def bars(driver):
    return driver.find_elements("css selector", ".mg-live-bar")


def press(bar, label: str) -> None:
    button = next(b for b in bar.find_elements("css selector", "button") if b.text == label)
    # centred at once (furo scrolls smoothly): at the window's edge its header is on top
    bar.parent.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", button)
    button.click()


def output_of(driver, index: int) -> str:
    """The text of the index-th block's new output, once its run has finished."""
    def finished(d):
        status = bars(d)[index].find_element("css selector", ".mg-live-status").text
        return status and not status.startswith(("Queued", "Running")) and status
    status = wait_for(driver, finished)
    out = driver.find_elements("css selector", ".mg-live-output")[index]
    return out.text if out.is_displayed() else f"(no output; status {status!r})"


def test_edit_a_cell_and_run_it(browser, served):
    browser.get(f"{served}/{GUIDE}")
    wait_for(browser, lambda d: len(bars(d)) >= 3)
    page_bar = browser.find_element("css selector", ".mg-live-page")
    assert "Restart kernel" in page_bar.text
    first = bars(browser)[0]
    assert [b.text for b in first.find_elements("css selector", "button")] == [
        "Edit", "Run", "Run all above"]
    press(first, "Edit")
    editor = browser.find_element("css selector", ".mg-live-editor")
    assert "import minigluon as mx" in editor.get_attribute("value")
    assert browser.switch_to.active_element == editor
    editor.clear()
    editor.send_keys("print('edited', 6 * 7)")
    press(first, "Run")
    assert output_of(browser, 0) == "edited 42"
    assert "Done" in first.find_element("css selector", ".mg-live-status").text


def test_run_all_above_runs_the_page_in_order(browser, served):
    browser.get(f"{served}/{GUIDE}")
    wait_for(browser, lambda d: len(bars(d)) >= 3)
    press(bars(browser)[1], "Run all above")  # imports, then the three-steps cell
    text = output_of(browser, 1)
    assert "[[ 4.  8.]" in text and "[12. 16.]]" in text
    assert "new kernel" not in text


def test_errors_show_as_errors_and_output_is_text_only(browser, served):
    from selenium.webdriver.common.keys import Keys

    browser.get(f"{served}/{GUIDE}")
    wait_for(browser, lambda d: len(bars(d)) >= 3)
    title = browser.title
    press(bars(browser)[0], "Edit")
    editor = browser.find_element("css selector", ".mg-live-editor")
    editor.clear()
    editor.send_keys("from IPython.display import HTML, display\n"
                     "print('<img src=x onerror=\"document.title=1\">')\n"
                     "display(HTML('<b id=\"injected\">b</b>'))\n"
                     "1/0")
    editor.send_keys(Keys.SHIFT, Keys.ENTER)  # runs, as in Jupyter
    text = output_of(browser, 0)
    assert "ZeroDivisionError" in text
    error = browser.find_element("css selector", ".mg-live-output .mg-live-error")
    assert error.get_attribute("role") == "alert"
    assert "<img src=x" in text and "<IPython.core.display.HTML object>" in text
    assert not browser.find_elements("css selector", ".mg-live-output img, #injected")
    assert browser.title == title


def test_time_limit_message(browser, served):
    browser.get(f"{served}/{GUIDE}")
    wait_for(browser, lambda d: len(bars(d)) >= 3)
    press(bars(browser)[2], "Edit")
    editor = browser.find_elements("css selector", ".mg-live-editor")[0]
    editor.clear()
    editor.send_keys("while True: pass")
    press(bars(browser)[2], "Run")
    text = output_of(browser, 2)
    assert "longer than the 3 s time limit" in text and "interrupted" in text
    assert "time limit" in bars(browser)[2].text


def test_api_example_runs_without_its_prompts(browser, served):
    browser.get(f"{served}/{EXAMPLE}")
    wait_for(browser, lambda d: bars(d))
    press(bars(browser)[0], "Edit")
    code = browser.find_element("css selector", ".mg-live-editor").get_attribute("value")
    assert code.startswith("from minigluon import nd, autograd\nx = nd.array(")
    assert ">>>" not in code and "\n... " not in code
    press(bars(browser)[0], "Undo edits")
    assert not browser.find_elements("css selector", ".mg-live-editor")
    press(bars(browser)[0], "Run")
    text = output_of(browser, 0)
    assert "[ 3. 12. 27.]" in text and "[ 6. 12. 18.]" in text  # every value, as with >>>
    assert "Error" not in text


def test_restart_kernel_button(browser, served):
    browser.get(f"{served}/{GUIDE}")
    wait_for(browser, lambda d: len(bars(d)) >= 3)
    page_bar = browser.find_element("css selector", ".mg-live-page")
    press(page_bar, "Restart kernel")
    wait_for(browser, lambda d: "Kernel restarted" in page_bar.text
             or "No kernel was running" in page_bar.text)


def test_no_buttons_without_the_server(browser, sphinx_site):
    browser.get((sphinx_site["html"] / GUIDE).as_uri())
    wait_for(browser, lambda d: d.find_elements("css selector", "div.cell_input"))
    assert not browser.find_elements("css selector", ".mg-live-bar, .mg-live-page")
