"""Every figure a page shows has a caption and real alt text (docs/_ext/minigluon_figures)."""

from __future__ import annotations

from pathlib import Path

import pytest
from docutils import nodes

minigluon_figures = pytest.importorskip("minigluon_figures")

HASHED = "_images/81bcf3a6a328208a3bb2737e0df2e6533a9ec2d72148fe5e8309ef3c352eb6a3.png"


def test_a_bare_output_image_lacks_both():
    # what myst-nb renders for a plot from a cell without metadata
    image = nodes.image(uri=HASHED, alt=HASHED)
    nodes.container("", image)
    problems = minigluon_figures.figure_problems(image)
    assert [p.split(" (")[0] for p in problems] == ["no alt text", "no caption"]


def test_a_figure_with_caption_and_alt_text_passes():
    image = nodes.image(uri=HASHED, alt="Two curves: relu and its gradient")
    nodes.figure("", image, nodes.caption("", "ReLU and its gradient"))
    assert minigluon_figures.figure_problems(image) == []


def test_a_caption_does_not_make_up_for_alt_text():
    image = nodes.image(uri=HASHED, alt="")
    nodes.figure("", image, nodes.caption("", "ReLU"))
    assert minigluon_figures.figure_problems(image) == [
        "no alt text (give the cell `mystnb: image: alt: ...`)"]


def test_the_docs_build_checks_figures():
    conf = (Path(__file__).resolve().parents[2] / "conf.py").read_text()
    assert '"minigluon_figures",' in conf
