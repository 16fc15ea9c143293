"""Intended errors on a built page, in headless Chromium: a small real build (conf.py, the
notebook executed with the usage recorder on) of one page whose cells raise, warn and print an
array, opened from disk. The message must be readable without scrolling sideways, the visible
error must name no absolute path and no recorder frame, and the full traceback must be one click
away.

Needs Debian's ``chromium`` and ``chromium-driver`` and the ``selenium`` package; skipped with
the reason when they are missing.
"""

from __future__ import annotations

import functools
import re

import pytest

from .conftest import ROOT, Build, copy_docs, sphinx_build

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGE = '''\
---
file_format: mystnb
kernelspec:
  name: python3
  display_name: Python 3
  language: python
---

# Errors

```{code-cell} ipython3
import warnings
from minigluon import gluon, nd
from minigluon.gluon import nn
```

An array, wide enough that numpy breaks its rows:

```{code-cell} ipython3
print(nd.arange(60).reshape((3, 20)) / 7)
```

A hybridized block that reads a shape (the message names the user's line):

```{code-cell} ipython3
:tags: [raises-exception]
class ReadsShape(gluon.HybridBlock):
    def hybrid_forward(self, F, x):
        batch = x.shape[0]
        return x.reshape((batch, -1))

b = ReadsShape()
b.hybridize()
b(nd.ones((2, 3, 4)))
```

A plain Block in a HybridSequential:

```{code-cell} ipython3
:tags: [raises-exception]
hnet = nn.HybridSequential()
hnet.add(nn.Lambda(lambda x: x * 2))
```

A list of Blocks (a warning):

```{code-cell} ipython3
class Broken(gluon.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.layers = [nn.Dense(4), nn.Dense(2)]

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    broken = Broken()
print("parameters found:", len(broken.collect_params()))
```
'''

# An absolute path as a traceback or warning shows one (a file, not "a/b" in a message).
ABSOLUTE = re.compile(r"(?<![\w.<])/(?:[\w.+-]+/)+[\w.+-]+\.py\b")


@functools.cache
def _messages() -> list[str]:
    """The two errors' messages, as the library words them (the page must show all of each)."""
    from minigluon import gluon, nd
    from minigluon.gluon import nn

    class ReadsShape(gluon.HybridBlock):
        def hybrid_forward(self, F, x):
            batch = x.shape[0]
            return x.reshape((batch, -1))

    b = ReadsShape(prefix="readsshape0_")  # the page's name for it (a new kernel's first)
    b.hybridize()
    with pytest.raises(AttributeError) as shape:
        b(nd.ones((2, 3, 4)))
    with pytest.raises(ValueError) as child:
        nn.HybridSequential().add(nn.Lambda(lambda x: x * 2))
    # the first names the user's line by its file; on the page that is the cell
    first = str(shape.value).split("\n")[0]
    return [f"AttributeError: {first}", f"ValueError: {child.value}"]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Build:
    out = tmp_path_factory.mktemp("errors-site")
    src = copy_docs(out, ["minigluon.random"])
    (src / "errors.md").write_text(PAGE)
    (src / "index.md").write_text("# Index\n\n```{toctree}\nerrors\napi/index\n```\n")
    build = sphinx_build(src, out / "html", ["minigluon.random"], execute=True)
    assert build.status == 0, build.warnings
    return build


# Width the box shows and needs, and where the message's last character is drawn.
MEASURE = """
const box = arguments[0], message = arguments[1];
const pre = box.querySelector('pre');
const text = pre.textContent, at = text.lastIndexOf(message);
let right = null, bottom = null;
if (at >= 0) {
  const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
  let seen = 0, node, end = at + message.length;
  while ((node = walker.nextNode())) {
    if (seen + node.length >= end) {
      const range = document.createRange();
      range.setStart(node, end - seen - 1);
      range.setEnd(node, end - seen);
      const r = range.getBoundingClientRect();
      right = r.right; bottom = r.bottom;
      break;
    }
    seen += node.length;
  }
}
const b = pre.getBoundingClientRect();
return {scroll: pre.scrollWidth, client: pre.clientWidth, right: right, boxRight: b.right,
        bottom: bottom, boxBottom: b.bottom, found: at >= 0, visible: pre.innerText};
"""


def _open(browser, site: Build, width: int = 1400):
    browser.set_window_size(width, 1000)
    browser.get((site.html / "errors.html").as_uri())


@pytest.mark.parametrize("width", [1400, 600])
def test_the_whole_message_shows_without_scrolling_sideways(browser, site, width):
    from selenium.webdriver.common.by import By

    _open(browser, site, width)
    boxes = browser.find_elements(By.CSS_SELECTOR, ".mg-error .mg-error-short")
    assert len(boxes) == 2
    for box, message in zip(boxes, _messages()):
        assert box.is_displayed()
        m = browser.execute_script(MEASURE, box, message)
        assert m["found"], f"{message!r} not in {m['visible']!r}"
        assert m["scroll"] <= m["client"], m  # nothing to scroll to
        assert m["right"] <= m["boxRight"] and m["bottom"] <= m["boxBottom"], m  # drawn inside


def test_the_visible_error_names_no_absolute_path_and_no_recorder(browser, site):
    from selenium.webdriver.common.by import By

    _open(browser, site)
    shown = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".cell_output")]
    errors = [t for t in shown if "Traceback" in t or "Error:" in t]
    assert len(errors) == 2
    for text in errors:
        assert not ABSOLUTE.findall(text), text
        assert "recorder.py" not in text and str(ROOT) not in text and "ipykernel" not in text
        assert "Cell In[" in text  # the reader's own line
    # the message that named the kernel's file for the user's line names the cell instead
    assert re.search(r"at Cell In\[\d+\], line 3: batch = x\.shape\[0\]", errors[0])
    warning = next(t for t in shown if "UserWarning" in t)
    assert re.search(r"^Cell In\[\d+\], line 9: UserWarning: \"Broken.layers\"", warning, re.M)
    assert not ABSOLUTE.findall(warning) and "recorder.py" not in warning


def test_the_full_traceback_is_one_click_away(browser, site):
    from selenium.webdriver.common.by import By

    _open(browser, site)
    details = browser.find_elements(By.CSS_SELECTOR, ".mg-error details.mg-error-full")
    assert len(details) == 2
    short = browser.find_elements(By.CSS_SELECTOR, ".mg-error .mg-error-short")[0].text
    full = details[0].find_element(By.CSS_SELECTOR, "pre")
    assert not full.is_displayed()  # folded
    summary = details[0].find_element(By.TAG_NAME, "summary")
    assert re.fullmatch(r"Full traceback \(\d+ lines\)", summary.text)
    browser.execute_script(  # at once: furo scrolls smoothly, and the click would miss
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", summary)
    summary.click()
    assert full.is_displayed()
    text = full.text
    assert len(text.splitlines()) > len(short.splitlines())
    assert "File minigluon/gluon/block.py:" in text  # library frames, relative
    assert "recorder.py" not in text and not ABSOLUTE.findall(text)
    m = browser.execute_script("const p = arguments[0]; return [p.scrollWidth, p.clientWidth]",
                               full)
    assert m[0] <= m[1]


def test_no_output_box_cuts_text_off_and_arrays_still_line_up(browser, site):
    from selenium.webdriver.common.by import By

    _open(browser, site)
    widths = browser.execute_script(
        "return [...document.querySelectorAll('.cell_output .output pre')]"
        ".filter(p => p.offsetParent).map(p => [p.scrollWidth, p.clientWidth])")
    assert widths and all(s <= c for s, c in widths), widths
    # numpy's own line breaks only: one drawn line per text line, so the columns align
    array = next(e for e in browser.find_elements(By.CSS_SELECTOR, ".cell_output .output pre")
                 if e.text.startswith("[["))
    drawn = browser.execute_script("""
        const range = document.createRange(); range.selectNodeContents(arguments[0]);
        return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;""", array)
    assert drawn == len(array.text.splitlines())
