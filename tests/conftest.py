"""Shared fixtures: every test starts from the same random state and autograd flags;
``browser`` is headless Chromium for the real-browser tests (tests/search, tests/docs)."""

from __future__ import annotations

import shutil
import tempfile

import numpy as np
import pytest

import minigluon as mx
from minigluon import autograd


@pytest.fixture(autouse=True)
def _deterministic() -> None:
    mx.random.seed(0)
    np.random.seed(0)
    autograd.set_recording(False)
    autograd.set_training(False)


# -- a real browser -----------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium driven by selenium (skipped, saying why, when either is missing), at
    1400x1000; a test that needs another size sets it (``browser.set_window_size``)."""
    missing = [name for name, path in [("chromium", CHROMIUM), ("chromedriver", CHROMEDRIVER)]
               if not path]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not found on PATH: the real-browser tests need "
                    "them (Debian: sudo apt-get install -y chromium chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1000",
                f"--user-data-dir={profile}"]:
        options.add_argument(arg)
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=CHROMEDRIVER),
                              options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)
