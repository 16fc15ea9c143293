"""Shape inference with partly known shapes (0 = unknown dimension), as MXNet infers them."""

from __future__ import annotations

import pytest

import minigluon as mx
from minigluon import sym
from minigluon.base import MXNetError


def _args(s, **shapes):
    arg_shapes, _, _ = s.infer_shape(**shapes)
    return dict(zip(s.list_arguments(), arg_shapes))


def test_elementwise_ops_merge_dimensions_both_ways():
    c = sym.var('a', shape=(0, 10)) + sym.var('b', shape=(12, 0))
    assert _args(c) == {'a': (12, 10), 'b': (12, 10)}


def test_batch_size_comes_back_through_fully_connected_and_convolution():
    d = sym.FullyConnected(sym.var('a', shape=(0, 10)), num_hidden=21) + sym.var('c',
                                                                                 shape=(5, 0))
    assert _args(d)['a'] == (5, 10)
    conv = sym.Convolution(sym.var('a', shape=(0, 3, 0, 0)), num_filter=4, kernel=(3, 3),
                           pad=(1, 1))
    assert _args(conv + sym.var('c', shape=(2, 4, 8, 8)))['a'] == (2, 3, 8, 8)


def test_concat_and_split_fill_unknown_dims():
    c = sym.concat(sym.var('a', shape=(0, 10)), sym.var('b', shape=(0, 5)), dim=1)
    assert _args(sym.var('d', shape=(2, 0)) + c) == {'d': (2, 15), 'a': (2, 10), 'b': (2, 5)}
    parts = sym.split(sym.var('a', shape=(0, 6)), num_outputs=3, axis=1)
    assert _args(parts[0] + sym.var('c', shape=(4, 2)))['a'] == (4, 6)


def test_partial_results_keep_zeros_or_use_numpy_conventions():
    y = sym.dot(sym.var('x'), sym.var('y'))
    assert y.infer_shape_partial(x=(0, 3, 4), y=(4, 5))[1] == [(0, 3, 5)]
    assert sym.sin(sym.var('d')).infer_shape_partial() == ([()], [()], [])
    with mx.np_shape():
        assert y.infer_shape_partial(x=(-1, 3, 4), y=(4, 5))[1] == [(-1, 3, 5)]
        assert sym.sin(sym.var('d')).infer_shape_partial() == ([None], [None], [])
    w = sym.where(sym.var('c'), sym.var('x'), sym.var('y'))
    assert w.infer_shape_partial(c=(0, 2), x=(0, 2), y=(0, 2))[1] == [()]


def test_incomplete_inference_warns_and_returns_none():
    y = sym.FullyConnected(sym.var('x'), num_hidden=2) + sym.var('h')
    with pytest.warns(UserWarning, match="Cannot decide shape"):
        assert y.infer_shape() == (None, None, None)


def test_conflicts_name_the_op():
    with pytest.raises(MXNetError, match="Shape inconsistent"):
        (sym.var('a', shape=(2, 3)) + sym.var('b', shape=(3, 3))).infer_shape()
