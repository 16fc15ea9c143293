"""The site's frame and its reader pages: the version, build date and commit in every page's
footer (minigluon_buildinfo), the API index (minigluon_apiindex), copy buttons that copy only
code (sphinx-copybutton as conf.py sets it up), and the FAQ, glossary and landing page's links
and checks."""

from __future__ import annotations

import ast
import pydoc
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from minigluon import __version__
from minigluon._api import public_objects

from .conftest import DOCS, ROOT

minigluon_buildinfo = pytest.importorskip("minigluon_buildinfo")
minigluon_apiindex = pytest.importorskip("minigluon_apiindex")
minigluon_apipages = pytest.importorskip("minigluon_apipages")

MODULES = ["minigluon.autograd", "minigluon.random"]
FOOTER = re.compile(r'<div class="minigluon-build"[^>]*>\s*minigluon (\S+) · built '
                    r"(\d{4}-\d\d-\d\d \d\d:\d\d UTC)(?: from commit ([0-9a-f]{7,}))?")

#: A page with each kind of code block a reader copies from: an executed cell and its output,
#: a docstring-style example with prompts and outputs, a shell session.
CODE_PAGE = """\
---
file_format: mystnb
kernelspec:
  name: python3
  display_name: Python 3
  language: python
---

# Code

```{code-cell} ipython3
total = 0
for i in range(3):
    total += i
print("total", total)
```

```pycon
>>> from minigluon import nd
>>> for i in range(2):
...     print(i)
...
0
1
>>> nd.ones((2,)).shape
(2,)
>>> nd.ones((2,)).asscalar()
Traceback (most recent call last):
ValueError: The current array is not a scalar
```

```console
$ pip install -e .
Successfully installed minigluon
```
"""


# -- buildinfo ------------------------------------------------------------------------------

def test_build_date_is_utc_and_follows_source_date_epoch(monkeypatch):
    moment = datetime(2026, 3, 4, 23, 30, tzinfo=UTC)
    assert minigluon_buildinfo.build_date(moment) == "2026-03-04 23:30 UTC"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(moment.timestamp())))
    assert minigluon_buildinfo.build_date() == "2026-03-04 23:30 UTC"


def test_git_commit_names_the_commit_and_local_changes(tmp_path):
    assert minigluon_buildinfo.git_commit(tmp_path) == ""  # not a repository
    if shutil.which("git") is None:
        pytest.skip("git is not installed")

    def git(*args):
        return subprocess.run(["git", "-C", str(tmp_path), "-c", "user.name=t",
                               "-c", "user.email=t@t", *args], check=True,
                              capture_output=True, text=True).stdout.strip()

    git("init", "-q")
    (tmp_path / "a.txt").write_text("a\n")
    git("add", "a.txt")
    git("commit", "-q", "-m", "a")
    head = git("rev-parse", "--short", "HEAD")
    assert minigluon_buildinfo.git_commit(tmp_path) == head
    (tmp_path / "b.txt").write_text("untracked files are not local changes\n")
    assert minigluon_buildinfo.git_commit(tmp_path) == head
    (tmp_path / "a.txt").write_text("b\n")
    assert minigluon_buildinfo.git_commit(tmp_path) == f"{head} (with local changes)"


@pytest.fixture(scope="module")
def code_site(docs_copy, docs_sphinx, tmp_path_factory):
    """A strict build of two API modules and CODE_PAGE (executed). ~10 s."""
    out = tmp_path_factory.mktemp("code-site")
    src = docs_copy(out, MODULES)
    (src / "code.md").write_text(CODE_PAGE)
    (src / "index.md").write_text("# Index\n\n```{toctree}\ncode\napi/index\n```\n")
    return docs_sphinx(src, out / "html", MODULES, execute=True)


# The session fixtures of conftest.py are function-scoped helpers: a module-scoped site needs
# them at module scope.
@pytest.fixture(scope="module")
def docs_copy():
    from .conftest import copy_docs
    return copy_docs


@pytest.fixture(scope="module")
def docs_sphinx():
    from .conftest import sphinx_build
    return sphinx_build


def test_the_build_passes_strict(code_site):
    assert code_site.status == 0, code_site.warnings


@pytest.mark.parametrize("page", ["index.html", "code.html", "api/index.html",
                                  "api/minigluon.autograd.html",
                                  "api/_autosummary/minigluon.autograd.record.html",
                                  "search.html", "genindex.html"])
def test_every_page_names_the_version_and_the_build(code_site, page):
    html = (code_site.html / page).read_text()
    found = FOOTER.search(html)
    assert found, f"no build line in the footer of {page}"
    version, date, commit = found.groups()
    assert version == __version__
    built = datetime.strptime(date, "%Y-%m-%d %H:%M UTC").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - built).total_seconds()) < 3600  # this build's date
    if shutil.which("git") and (ROOT / ".git").exists():
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        assert commit == head
    # and in the title (browser tab, sidebar)
    assert f"minigluon {__version__}</title>" in html or page == "genindex.html"
    assert f'<span class="sidebar-brand-text">minigluon {__version__}</span>' in html


# -- the API index --------------------------------------------------------------------------

def test_api_index_lists_every_object_with_its_page_and_summary(code_site):
    html = (code_site.html / "api" / "index.html").read_text()
    article = html[html.index("<article"):html.index("</article>")]
    pages = minigluon_apipages.module_pages(MODULES)
    for module, names in pages.items():
        assert f'id="api-{module.replace(".", "-")}"' in article
        for name in names:
            assert f'href="_autosummary/{module}.{name}.html#{module}.{name}"' in article, name
    text = re.sub(r"<[^>]+>", "", article)
    text = re.sub(r"\s+", " ", text).replace("&#8217;", "'").replace("&quot;", '"')
    for module, names in pages.items():
        for name in [module, *(f"{module}.{n}" for n in names)]:
            plain = re.sub(r":\w+:`~?([^`]+)`|``([^`]+)``|`([^`]+)`",
                           lambda m: next(g for g in m.groups() if g),
                           minigluon_apiindex.summary_line(pydoc.locate(name)))
            # Sphinx writes a :func: or :meth: reference with parentheses
            assert plain and plain.replace("()", "") in text.replace("()", ""), (name, plain)


def test_summary_line_is_the_first_paragraph_on_one_line():
    def documented():
        """A summary that runs
        over two lines.

        Details.
        """

    assert minigluon_apiindex.summary_line(documented) == \
        "A summary that runs over two lines."


# -- copy buttons (real browser) ------------------------------------------------------------


def copied_texts(browser, page: Path) -> list[str]:
    """What each copy button of ``page`` puts on the clipboard, in page order."""
    browser.get(page.as_uri())
    # clipboard.js puts the text in a hidden textarea, selects it and runs execCommand("copy")
    # (what a click does): record that text instead of copying it.
    return browser.execute_script("""
        const copied = [];
        document.execCommand = () => { copied.push(document.activeElement.value); return true; };
        document.querySelectorAll("button.copybtn").forEach((button) => button.click());
        return copied;""")


@pytest.mark.browser
def test_copy_buttons_copy_code_without_prompts_or_outputs(code_site, browser):
    texts = copied_texts(browser, code_site.html / "code.html")
    # the cell's input, the example's code, the shell command: no button on the output box
    assert [t.rstrip("\n") for t in texts] == [
        'total = 0\nfor i in range(3):\n    total += i\nprint("total", total)',
        "from minigluon import nd\nfor i in range(2):\n    print(i)\n\nnd.ones((2,)).shape\n"
        "nd.ones((2,)).asscalar()",
        "pip install -e .",
    ]


@pytest.mark.browser
def test_copy_buttons_on_api_examples(code_site, browser):
    page = code_site.html / "api" / "_autosummary" / "minigluon.autograd.grad.html"
    texts = copied_texts(browser, page)
    assert texts, "no copy button on the docstring example"
    for text in texts:
        assert ">>>" not in text and "..." not in text[:4], text
        assert "autograd" in text, text


# -- the hand-written reader pages ----------------------------------------------------------

READER_PAGES = ["index", "install", "faq", "glossary", "changelog", "api/index"]
_ROLE = re.compile(r"\{py:\w+\}`(?:[^`<]*<)?~?([\w.]+)>?`")


@pytest.mark.parametrize("page", READER_PAGES)
def test_api_links_name_public_objects(page):
    """A {py:...} role that names no documented object renders as plain text, silently."""
    names = {api.name for api in public_objects()}
    text = (DOCS / f"{page}.md").read_text()
    unknown = sorted(set(_ROLE.findall(text)) - names)
    assert not unknown, unknown


def faq_entries() -> list[tuple[str, str, str]]:
    """(exception or warning type, quoted message, the hidden check cell after it) of each FAQ
    heading that quotes a message."""
    text = (DOCS / "faq.md").read_text()
    entries = []
    for heading in re.finditer(r"^### `+ ?(\w+): (.*?) ?`+$", text, re.M):
        rest = text[heading.end():]
        check = re.search(r"```\{code-cell\} ipython3\n:tags: \[remove-cell\]\n(.*?)```",
                          rest, re.S)
        entries.append((heading[1], heading[2].removeprefix("... "), check[1]))
    return entries


def test_the_faq_has_entries():
    assert len(faq_entries()) >= 12


@pytest.mark.parametrize("kind, quoted, check", faq_entries(),
                         ids=[e[0] for e in faq_entries()])
def test_each_faq_heading_is_what_its_hidden_check_asserts(kind, quoted, check):
    """The heading quotes the message the page's code raised: the hidden cell after the code
    asserts exactly that type and text (so the build fails if the message changes)."""
    tree = ast.parse(check)
    strings = [node.value for node in ast.walk(tree)
               if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    names = [node.id for node in ast.walk(tree) if isinstance(node, ast.Name)]
    assert kind in strings or kind in names, (kind, check)
    assert quoted in strings, (quoted, strings)
