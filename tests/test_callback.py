"""Callbacks for Module.fit."""

from __future__ import annotations

import logging

from minigluon import callback, metric, model, nd, sym


def test_speedometer_logs_every_frequent_batches(caplog):
    acc = metric.Accuracy()
    acc.update([nd.array([1])], [nd.array([[0.1, 0.9]])])
    speed = callback.Speedometer(batch_size=4, frequent=2)
    with caplog.at_level(logging.INFO):
        for n in range(5):
            speed(model.BatchEndParam(epoch=1, nbatch=n, eval_metric=acc, locals=None))
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2 and lines[0].startswith("Epoch[1] Batch [0-2]")
    assert "accuracy=1.000000" in lines[0]


def test_do_checkpoint_respects_the_period(tmp_path):
    cb = callback.do_checkpoint(str(tmp_path / 'n'), period=2)
    for epoch in range(4):
        cb(epoch, sym.var('x'), {'w': nd.ones(1)}, {})
    assert sorted(p.name for p in tmp_path.iterdir()) == ['n-0002.params', 'n-0004.params',
                                                         'n-symbol.json']


def test_log_train_metric(caplog):
    acc = metric.Accuracy()
    acc.update([nd.array([0])], [nd.array([[0.1, 0.9]])])
    with caplog.at_level(logging.INFO):
        callback.log_train_metric(1, auto_reset=True)(model.BatchEndParam(0, 3, acc, None))
    assert "Train-accuracy=0.000000" in caplog.records[0].getMessage()
    assert acc.num_inst == 0
