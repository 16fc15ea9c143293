"""Which object an inline-code mention names (docs/_ext/minigluon_apilinks.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("sphinx")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "docs" / "_ext"))

from minigluon_apilinks import NameIndex, keys

OBJECTS = {
    "minigluon.gluon.nn.HybridSequential": "class",
    "minigluon.gluon.Block": "class",
    "minigluon.gluon.Block.collect_params": "method",
    "minigluon.gluon.Block.hybridize": "method",
    "minigluon.gluon.HybridBlock.hybridize": "method",
    "minigluon.autograd": "module",
    "minigluon.autograd.record": "function",
    "minigluon.autograd.grad": "function",
    "minigluon.ndarray.relu": "function",
    "minigluon.symbol.relu": "function",
    "minigluon.ndarray.NDArray.grad": "property",
    "minigluon.ndarray.NDArray.asnumpy": "method",
    "minigluon.gluon.Parameter.grad": "method",
    "minigluon.gluon.Parameter.var": "method",
    "minigluon.gluon.Block.summary": "method",
    "minigluon.symbol": "module",
}


@pytest.fixture(scope="module")
def index():
    return NameIndex(OBJECTS)


@pytest.mark.parametrize("text, target", [
    ("HybridSequential", "minigluon.gluon.nn.HybridSequential"),
    ("nn.HybridSequential", "minigluon.gluon.nn.HybridSequential"),
    ("mx.gluon.nn.HybridSequential()", "minigluon.gluon.nn.HybridSequential"),
    ("autograd.record()", "minigluon.autograd.record"),
    ("autograd", "minigluon.autograd"),
    ("collect_params", "minigluon.gluon.Block.collect_params"),
    ("net.collect_params()", "minigluon.gluon.Block.collect_params"),
    ("x.asnumpy()", "minigluon.ndarray.NDArray.asnumpy"),
    ("nd.relu", "minigluon.ndarray.relu"),
    ("mx.sym.relu(x)", "minigluon.symbol.relu"),
    ("summary()", "minigluon.gluon.Block.summary"),
    ("net.summary", "minigluon.gluon.Block.summary"),
    ("sym", "minigluon.symbol"),
])
def test_a_mention_names_one_object(index, text, target):
    assert index.lookup(text) == target


@pytest.mark.parametrize("text", [
    "relu",  # nd.relu or sym.relu
    "hybridize()",  # Block's or HybridBlock's
    "x.grad",  # NDArray.grad or Parameter.grad
    "F.relu",  # F is nd or sym: a namespace parameter, not an instance
    "grad",  # autograd.grad and two members
    "np.zeros",  # not minigluon
    "net[0]", "x + 1", "'add'", "",  # not names
    "record.autograd",
    "summary",  # a bare word naming only a method: as often a word of the text
    "sym.var('data')",  # sym is a module, not an instance: not Parameter.var
    "np.summary",
])
def test_an_ambiguous_or_unknown_mention_names_nothing(index, text):
    assert index.lookup(text) is None


def test_keys_are_the_dotted_suffixes_with_the_module_aliases():
    assert set(keys("minigluon.ndarray.relu")) == {
        "minigluon.ndarray.relu", "mx.nd.relu", "ndarray.relu", "nd.relu", "relu"}
