"""The library-wide scan of raised messages (search.errors) and what search does with it."""

from __future__ import annotations

import warnings

import pytest

from search import errors
from search.collect import api_record, resolve


def _templates(name: str) -> dict[str, int]:
    return {m.template: depth for m, depth in errors.messages_for(resolve(name))}


def _raised(fn) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            fn()
        except Exception as e:  # any error: its text is what is checked
            return str(e)
    raise AssertionError("nothing was raised")


def test_a_message_in_a_constant_raised_by_a_helper_reaches_the_public_functions():
    for name in ("minigluon.autograd.backward", "minigluon.ndarray.NDArray.backward"):
        found = [(t, d) for t, d in _templates(name).items()
                 if t.startswith("Cannot differentiate node because it is not in a "
                                 "computational graph")]
        assert found and all(d >= 1 for _, d in found), name


def test_f_strings_become_templates_with_placeholders():
    templates = _templates("minigluon.gluon.Parameter.set_data")
    assert "Parameter '{self.name}' has not been initialized" in templates
    assert errors.plain_text("Parameter '{self.name}' has not been initialized") == \
        "Parameter ' ' has not been initialized"


def test_templates_match_the_messages_really_raised():
    """What users paste is what the library raised: some linked template must match it."""
    from minigluon import gluon, nd
    from minigluon.gluon import nn

    cases = {
        "minigluon.gluon.Parameter.data": lambda: nn.Dense(2, in_units=3).weight.data(),
        "minigluon.ndarray.softmax": lambda: nd.softmax(nd.ones((2, 3)), axis=4),
        "minigluon.gluon.nn.HybridSequential.add":
            lambda: nn.HybridSequential().add(nn.Lambda(lambda x: x)),
        "minigluon.gluon.Parameter.initialize": lambda: [
            p.initialize() for p in [gluon.Parameter("w", shape=(2,))] * 2],
        "minigluon.optimizer.create": lambda: __import__("minigluon").optimizer.create("adamx"),
    }
    for name, fn in cases.items():
        message = _raised(fn)
        patterns = [errors.template_pattern(t) for t in _templates(name)]
        assert any(p.search(message) for p in patterns), (name, message)


def test_messages_built_by_an_exception_class_a_warning_and_a_mismatch_error():
    by_kind = {m.kind: m for m in errors.scan().messages}
    assert "is not implemented for Symbol" in by_kind["NotImplementedForSymbol"].template
    assert any(t.startswith("Function {name}") for t in _templates("minigluon.symbol.Symbol"))
    assert "save_params is deprecated. Please use save_parameters." in _templates(
        "minigluon.gluon.Block.save_params")
    assert any("shape incompatible" in t and d >= 1
               for t, d in _templates("minigluon.gluon.Block.load_parameters").items())


def test_a_layer_gets_the_shape_checks_of_the_op_its_forward_calls():
    # Dense.hybrid_forward calls F.FullyConnected: the op's shape rule raises the message
    assert any(t.startswith("FullyConnected: weight has shape")
               for t in _templates("minigluon.gluon.nn.Dense"))
    assert any(t.startswith("FullyConnected: weight has shape")
               for t in _templates("minigluon.ndarray.FullyConnected"))
    # MaxPool2D inherits its hybrid_forward (F.Pooling) from a private base class
    assert any("pool_type must be one of" in t for t in _templates("minigluon.gluon.nn.MaxPool2D"))
    # ... but not the generic HybridBlock.forward every layer inherits
    assert not any(t.startswith("In HybridBlock, we do not support mixed")
               for t in _templates("minigluon.gluon.nn.Dense"))


def test_an_initializer_gets_the_messages_of_the_private_method_it_overrides():
    assert any(t.startswith("Xavier initializer cannot be applied to vector")
               for t in _templates("minigluon.initializer.Xavier"))


def test_deep_links_are_capped_and_decorators_are_not_calls():
    s = errors.scan()
    deep: dict[int, int] = {}
    for links in s.linked.values():
        for m, depth in links:
            deep[m] = deep.get(m, 0) + (depth > 1)
    assert max(deep.values()) <= errors.MAX_LINKED
    # @register(...) runs where an op is defined: its checks are not the op's messages
    assert not any("registered twice" in t for t in _templates("minigluon.ndarray.expand_dims"))


def test_a_record_keeps_its_own_messages_apart_from_those_of_what_it_calls():
    r = api_record("minigluon.gluon.Parameter.set_data", "method", "u.html#x")
    assert "has not been initialized" in r.errors and "{" not in r.errors
    r = api_record("minigluon.metric.CrossEntropy", "class", "u.html#x")
    assert "labels but" in r.errors and "CrossEntropy" not in r.errors  # its own name: once


@pytest.mark.parametrize("pasted, target", [
    # concrete names and shapes are words no record has; the rest of the message finds it
    ("MismatchError: Failed loading Parameter 'dense0_weight' from saved params: shape "
     "incompatible expected (3, 2) vs saved (4, 2)", "minigluon.gluon.Block.load_parameters"),
    ("ShapeError: softmax: axis 4 is out of range for an input with 2 dimensions",
     "minigluon.ndarray.softmax"),
    ("save_params is deprecated. Please use save_parameters.", "minigluon.gluon.Block.save_params"),
])
def test_a_pasted_message_with_concrete_values_finds_the_object(engine, pasted, target):
    names = [r["name"] for r in engine.search(pasted, limit=5).results]
    assert target in names, names


@pytest.mark.parametrize("query, target", [
    ("insert a new axis", "minigluon.ndarray.expand_dims"),  # the summary's own words
    ("add a dimension", "minigluon.ndarray.expand_dims"),  # its words for the same thing
    ("remove an axis", "minigluon.ndarray.squeeze"),
])
def test_a_task_in_other_words_finds_the_object_its_summary_describes(engine, query, target):
    names = [r["name"] for r in engine.search(query, limit=5).results]
    assert target in names, names
