"""Common subexpression elimination in executors."""

from __future__ import annotations

import numpy as np

from minigluon import nd, sym
from minigluon.symbol.cse import eliminate_common_expr


def _count(outputs):
    return len(sym.Symbol(outputs).get_internals())


def test_equal_expressions_are_computed_once():
    a, b = sym.var('a'), sym.var('b')
    y = (a + b) * (a + b)
    assert _count(eliminate_common_expr(y._outputs)) == _count(y._outputs) - 1
    z = (a + 1) + (a + 2)  # different attributes: nothing to merge
    assert _count(eliminate_common_expr(z._outputs)) == _count(z._outputs)


def test_random_and_training_ops_are_never_merged():
    a = sym.var('a')
    y = sym.Dropout(a) + sym.Dropout(a)
    assert _count(eliminate_common_expr(y._outputs)) == _count(y._outputs)


def test_merged_outputs_stay_separate_arrays():
    a = sym.var('a')
    g = sym.Group([a * 2, a * 2])
    outs = eliminate_common_expr(g._outputs)
    assert outs[0][0] is not outs[1][0] and outs[1][0].op.name == 'identity'


def test_executor_results_match_with_and_without_cse(monkeypatch):
    a, b = sym.var('a'), sym.var('b')
    y = sym.Group([(a * b) + b, (a * b) + b])
    data = {'a': nd.array([1, 2]), 'b': nd.array([3, 4])}
    results = []
    for flag in ('0', '1'):
        monkeypatch.setenv('MXNET_ELIMINATE_COMMON_EXPR', flag)
        ex = y.simple_bind(None, a=(2,), b=(2,))
        outs = ex.forward(is_train=True, **data)
        ex.backward([nd.ones(2), nd.ones(2)])
        results.append(([o.asnumpy() for o in outs], ex.grad_dict['a'].asnumpy(),
                         len(ex.get_optimized_symbol().get_internals())))
    (o0, g0, n0), (o1, g1, n1) = results
    np.testing.assert_allclose(o0, o1)
    np.testing.assert_allclose(g0, g1)
    assert g1.tolist() == [6, 8] and n1 == n0 - 1
