"""Checkpoint files of symbolic models."""

from __future__ import annotations

from minigluon import model, nd, sym


def test_checkpoint_round_trip(tmp_path):
    prefix = str(tmp_path / 'm')
    net = sym.FullyConnected(sym.var('data'), num_hidden=2, name='fc')
    model.save_checkpoint(prefix, 7, net, {'fc_weight': nd.ones((2, 3))},
                          {'bn_moving_mean': nd.zeros(2)})
    loaded, args, auxs = model.load_checkpoint(prefix, 7)
    assert loaded.tojson() == net.tojson()
    assert args['fc_weight'].shape == (2, 3) and list(auxs) == ['bn_moving_mean']
    assert sorted(nd.load(prefix + '-0007.params')) == ['arg:fc_weight', 'aux:bn_moving_mean']
