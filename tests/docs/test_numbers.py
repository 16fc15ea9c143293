"""A number in a guide's prose must come from its cells (docs/_ext/minigluon_numbers.py): the
rule on sentences, and a real build that fails on a quoted number and passes with it glued."""

from __future__ import annotations

from decimal import Decimal

import pytest

minigluon_numbers = pytest.importorskip("minigluon_numbers")
docutils_nodes = pytest.importorskip("docutils.nodes")


def measured(text: str) -> list[tuple[str, str]]:
    return [(q.text, q.kind) for q in minigluon_numbers.measured_quantities(text)]


@pytest.mark.parametrize("text, expected", [
    ("mAP about 0.9 (0.8 at IoU 0.7) and .68", [("0.9", ""), ("0.8", ""), ("0.7", ""),
                                                (".68", "")]),
    ("1.25x faster, 0.81\u00d7 as fast, 83% or 83 percent", [("1.25x", "x"), ("0.81\u00d7", "x"),
                                                        ("83%", "%"), ("83 percent", "%")]),
    ("12.5 ms, 40 µs, 40us, 52 s, 2 minutes, 1.5 GB", [
        ("12.5 ms", "ms"), ("40 µs", "us"), ("40us", "us"), ("52 s", "s"), ("2 minutes", "min"),
        ("1.5 GB", "GB")]),
    ("900 images/s and 3 GFLOP/s, 1,234.5 ms", [("900 images/s", "images/s"),
                                               ("3 GFLOP/s", "GFLOP/s"), ("1,234.5 ms", "ms")]),
    ("tolerance 1e-5 and 2.5E-3", [("1e-5", ""), ("2.5E-3", "")]),
    # not measurements: identifiers, shapes, versions, sections, integers, plurals of words
    ("float32, X86_V3, 3x3, 64x64 images, conv1_weight", []),
    ("MXNet 1.x, MXNet 1.9, numpy 2.1.3, Python 3.12, v1.5, version 2.0, section 4.2", []),
    ("SqueezeNet 1.1, 8 epochs, 344 anchors, issue #16926, 5 sizes, in 2026", []),
])
def test_what_counts_as_a_measured_number(text: str, expected: list) -> None:
    assert measured(text) == expected


def test_a_number_is_produced_by_code_literals_or_outputs_of_its_kind() -> None:
    nb = {"cells": [
        {"cell_type": "markdown", "source": "0.77 in prose is not produced"},
        {"cell_type": "code", "source": "lr = .1\nassert score > 0.6  # hidden check",
         "outputs": [{"output_type": "stream", "text": "mAP 0.832, 1.25x, 12.0 ms, 83%\n"},
                     {"output_type": "display_data", "data": {"text/plain": "0.5"}}]},
    ]}
    produced = minigluon_numbers.Produced.from_notebook(nb)

    def has(text: str) -> bool:
        (q,) = minigluon_numbers.measured_quantities(text)
        return produced.has(q)

    assert has("lr 0.10") and has("above 0.6") and has("mAP 0.832") and has("at IoU 0.5")
    assert has("1.25x") and has("12 ms") and has("83%")
    assert has("1.25 faster")  # a decimal matches any output number of the same value
    assert not has("0.77") and not has("0.83")  # not a rounding of an output: glue it
    assert not has("1.25 ms") and not has("0.832x") and not has("12%")  # kinds must agree
    assert Decimal("0.1") in produced.code


def test_code_output_math_and_glued_values_are_not_prose() -> None:
    nodes = docutils_nodes
    para = nodes.paragraph("", "", nodes.Text("took 1.5 ms "), nodes.literal("", "0.77"),
                           nodes.math("", "0.25"),
                           nodes.inline("", "0.9", classes=["pasted-text"]))
    cell = nodes.container("", nodes.paragraph("", "0.44"), nb_element="cell_code")
    figure = nodes.figure("", nodes.caption("", "measured 2.5x"))
    cell += figure
    doc = nodes.section("", nodes.title("", "Speed-up 3.5x"), para, cell,
                        nodes.literal_block("", "x = 0.33"))
    # an object's description autodoc wrote (an API page with grouped examples is executed):
    # a docstring's defaults are not measurements ("default Uniform(0.07)")
    from sphinx import addnodes

    doc += addnodes.desc("", addnodes.desc_content("", nodes.paragraph("", "scale 0.07")))
    texts = [str(t) for t in minigluon_numbers.prose_texts(doc)]
    assert texts == ["Speed-up 3.5x", "took 1.5 ms ", "measured 2.5x"]


MODULES = ["minigluon.random"]
PAGE = """\
---
file_format: mystnb
kernelspec:
  name: python3
  display_name: Python 3
  language: python
---

# Measured

```{{code-cell}} ipython3
from myst_nb import glue

threshold = 0.25
ratio = 1.23456
print(f"{{ratio:.2f}}x, {{1.5:.1f}} ms")
glue("ratio", ratio, display=False)
```

The ratio is {{glue:text}}`ratio:.3f`, printed as 1.23x; it took 1.5 ms, above the threshold
0.25, with `0.77` in code, $0.5$ in math, on MXNet 1.x with 3x3 kernels. {extra}
"""


@pytest.mark.slow
def test_the_build_fails_on_a_number_the_cells_did_not_produce(tmp_path, docs_copy,
                                                                docs_sphinx) -> None:
    src = docs_copy(tmp_path, MODULES)  # one small API module: the site's API index needs one
    (src / "index.md").write_text("# Index\n\n```{toctree}\nmeasured\napi/index\n```\n")
    page = src / "measured.md"
    page.write_text(PAGE.format(extra=""))
    cache = tmp_path / "cache"
    for attempt in ("executed", "from the cache"):  # both ways myst-nb gets a page's outputs
        build = docs_sphinx(src, tmp_path / "html", MODULES, cache=cache)
        assert build.status == 0, (attempt, build.warnings)
        assert "minigluon.number" not in build.warnings
        assert ">1.235<" in (build.html / "measured.html").read_text()  # the glued value

    page.write_text(PAGE.format(extra="It is about 1.2x faster, 83% of the time, mAP 0.9.\n"))
    build = docs_sphinx(src, tmp_path / "html", MODULES, cache=cache)
    assert build.status != 0
    flagged = [line for line in build.warnings.splitlines() if "[minigluon.number]" in line]
    quoted = [line.split("the prose quotes ", 1)[1].split(",", 1)[0] for line in flagged]
    assert quoted == ["'1.2x'", "'83%'", "'0.9'"], build.warnings
    assert all("measured.md:" in line for line in flagged)  # where: the page and its line
