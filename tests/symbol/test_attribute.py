"""AttrScope: attributes given to every symbol created in a ``with`` block."""

from __future__ import annotations

import pytest

import minigluon as mx


def test_scopes_nest_and_explicit_attributes_win():
    with mx.AttrScope(group='1', mood='calm'):
        a = mx.sym.var('a')
        with mx.AttrScope(group='2'):
            b = mx.sym.var('b', attr={'mood': 'angry'})
    c = mx.sym.var('c')
    assert (a.attr('group'), a.attr('mood')) == ('1', 'calm')
    assert (b.attr('group'), b.attr('mood')) == ('2', 'angry')
    assert c.attr('group') is None
    assert mx.AttrScope.current().get(None) == {}


def test_scope_reaches_op_nodes_and_their_parameters():
    with mx.AttrScope(__init_bias__='0.0', ctx_group='dev1'):
        fc = mx.sym.FullyConnected(mx.sym.var('x'), num_hidden=2, name='fc')
    attrs = fc.attr_dict()
    assert attrs['fc']['__init_bias__'] == '0.0'
    assert attrs['fc_bias']['__ctx_group__'] == 'dev1'
    assert attrs['fc_weight']['ctx_group'] == 'dev1'


def test_values_must_be_strings():
    with pytest.raises(ValueError, match="string"):
        mx.AttrScope(group=1)
