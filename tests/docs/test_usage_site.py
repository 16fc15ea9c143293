"""'Used in' lists and first-mention links in a real docs build with the guides executed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

API = "api/_autosummary"


def used_in(html_dir: Path, name: str, page: str | None = None) -> list[str] | None:
    """The links of the "Used in" list of the object ``name`` (described on ``page``, by
    default its own), or None if it has no list."""
    html = (html_dir / API / f"{page or name}.html").read_text()
    start = html.index(f'id="{name}"')
    end = html.find('<dt class="sig', start + 1)  # the next object's signature
    part = html[start:end if end > 0 else len(html)]
    at = part.find("minigluon-used-in")
    if at < 0:
        return None
    return re.findall(r'href="([^"]+)"', part[at:part.index("</ul>", at)])


def sections(links: list[str]) -> set[str]:
    return {link.removeprefix("../../") for link in links}


@pytest.fixture(params=[0, 1], ids=["clean", "cached"])
def html(request, usage_site) -> Path:
    status, log = usage_site["first" if request.param == 0 else "second"]
    assert status == 0, log[-3000:]
    return usage_site["html"][request.param]


def test_used_in_lists_the_guide_sections_that_call_an_object(html):
    hybrid_sequential = sections(used_in(html, "minigluon.gluon.nn.HybridSequential"))
    assert {"blocks.html", "blocks.html#a-container-is-a-block-that-runs-its-children-in-order",
            "blocks.html#sequential-or-hybridsequential", "hybridize.html",
            "hybridize.html#how-much-faster"} <= hybrid_sequential
    assert {s.split("#")[0] for s in hybrid_sequential} == {"blocks.html", "hybridize.html"}
    assert "autograd.html#the-three-steps" in sections(used_in(html, "minigluon.autograd.record"))
    assert sections(used_in(html, "minigluon.autograd.grad")) == {
        "autograd.html", "autograd.html#gradients-of-gradients"}


def test_methods_have_their_own_list(html):
    collect_params = sections(used_in(html, "minigluon.gluon.Block.collect_params",
                                      "minigluon.gluon.Block"))
    assert "blocks.html#your-own-block" in collect_params
    assert "hybridize.html#what-changes" in sections(used_in(
        html, "minigluon.gluon.HybridBlock.hybridize", "minigluon.gluon.HybridBlock"))


def test_a_module_page_lists_the_guides_that_use_its_objects(html):
    page = (html / "api" / "modules.html").read_text()
    assert page.count("Guides that use this module") == 1  # minigluon.io: no guide uses it
    listed = re.findall(r'href="\.\./([a-z-]+\.html)"', page[page.index("minigluon-used-in"):])
    # nn's layers are built in blocks and hybridize (not autograd); each page once, in order
    assert listed == ["blocks.html", "hybridize.html"]


def test_an_object_no_guide_calls_has_no_list(html):
    assert used_in(html, "minigluon.gluon.nn.Conv3DTranspose") is None


def test_cached_pages_keep_their_recording_and_a_missing_one_runs_the_page(usage_site):
    _, log = usage_site["second"]
    assert "blocks runs again: its cached outputs have no usage recording" in log
    assert re.search(r"autograd\.md: Using cached notebook", log)
    assert re.search(r"hybridize\.md: Using cached notebook", log)
    recordings = usage_site["recordings"]
    assert set(recordings) == {"blocks", "hybridize", "autograd"}
    assert all(path.exists() for path in recordings.values())  # blocks' written again
    cells = json.loads(recordings["blocks"].read_text())["cells"]
    assert any("minigluon.gluon.nn.HybridSequential" in names for names in cells.values())


def mentions(html_dir: Path, page: str) -> list[tuple[str, str | None]]:
    """Inline code of a page's article in order: (text, API link target or None)."""
    html = (html_dir / page).read_text()
    article = html[html.index("<article"):html.index("</article>")]
    out = []
    for m in re.finditer(r'(<a class="reference internal" href="([^"]+)"[^>]*>)?'
                         r'<code class="([^"]*literal[^"]*)"[^>]*>(.*?)</code>', article, re.S):
        target = m.group(2).split("#")[-1] if m.group(1) else None
        out.append((re.sub(r"<[^>]+>", "", m.group(4)), target))
    return out


def test_the_first_mention_of_an_object_links_to_it(usage_site):
    found = mentions(usage_site["html"][0], "links.html")
    assert found == [
        ("nn.Dense", None),  # in the title
        ("nn.Dense(4)", "minigluon.gluon.nn.Dense"), ("Dense", None),
        ("autograd.grad", None),  # inside a link already
        ("autograd.grad", "minigluon.autograd.grad"),
        ("minigluon.autograd.record()", "minigluon.autograd.record"),  # the explicit role
        ("autograd.record()", None),
        ("net.collect_params()", "minigluon.gluon.Block.collect_params"),
        ("hybridize()", None), ("F.relu", None), ("no_such_name", None)]


def test_a_guide_links_its_first_mentions(usage_site):
    found = mentions(usage_site["html"][0], "blocks.html")
    linked = [(text, target) for text, target in found if target]
    assert ("nn.HybridSequential", "minigluon.gluon.nn.HybridSequential") in linked
    assert len({target for _, target in linked}) == len(linked)  # once per object
    first = next(i for i, (text, _) in enumerate(found) if text == "nn.HybridSequential")
    assert all(target is None for text, target in found[first + 1:]
               if text in ("nn.HybridSequential", "HybridSequential"))


def test_the_search_index_knows_the_sections_that_use_an_object(usage_site):
    from search.index import read_used_in
    from search.query import SearchEngine

    used = read_used_in(usage_site["index"])
    assert "blocks.html#sequential-or-hybridsequential" in used[
        "minigluon.gluon.nn.HybridSequential"]
    with SearchEngine(usage_site["index"]) as engine:
        results = engine.search("HybridSequential").results
    assert results[0]["name"] == "minigluon.gluon.nn.HybridSequential"
    assert results[1]["url"] in used["minigluon.gluon.nn.HybridSequential"]
