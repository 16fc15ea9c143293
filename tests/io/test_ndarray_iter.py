"""NDArrayIter: batching, the three last-batch policies, shuffling, named inputs."""

from __future__ import annotations

import numpy as np
import pytest

from minigluon import io, nd


def _firsts(it):
    return [b.data[0].asnumpy()[:, 0].tolist() for b in it]


DATA = np.arange(10, dtype=np.float32).reshape(5, 2)


def test_pad_wraps_around_and_reports_the_padding():
    it = io.NDArrayIter(DATA, np.arange(5), batch_size=2)
    batches = list(it)
    assert [b.data[0].asnumpy()[:, 0].tolist() for b in batches] == [[0, 2], [4, 6], [8, 0]]
    assert [b.pad for b in batches] == [0, 0, 1]
    assert batches[-1].label[0].asnumpy().tolist() == [4, 0]
    tiny = io.NDArrayIter(np.arange(3), batch_size=7)
    assert tiny.next().data[0].asnumpy().tolist() == [0, 1, 2, 0, 1, 2, 0]


def test_discard_drops_the_incomplete_batch():
    assert _firsts(io.NDArrayIter(DATA, batch_size=2, last_batch_handle='discard')) == \
        [[0, 2], [4, 6]]


def test_roll_over_carries_the_rest_into_the_next_epoch():
    it = io.NDArrayIter(DATA, batch_size=2, last_batch_handle='roll_over')
    assert _firsts(it) == [[0, 2], [4, 6]]
    it.reset()
    first = it.next()
    assert first.data[0].asnumpy()[:, 0].tolist() == [8, 0]
    assert first.pad == 1  # MXNet counts the carried examples as padding
    assert _firsts(it) == [[2, 4], [6, 8]]
    it.hard_reset()
    assert it.next().data[0].asnumpy()[:, 0].tolist() == [0, 2]


def test_shuffle_permutes_data_and_labels_together():
    np.random.seed(3)
    it = io.NDArrayIter(DATA, np.arange(5), batch_size=1, shuffle=True)
    seen = [(b.data[0].asnumpy()[0, 0], b.label[0].asnumpy()[0]) for b in it]
    assert sorted(d for d, _ in seen) == [0, 2, 4, 6, 8]
    assert all(d == 2 * lb for d, lb in seen)
    assert [d for d, _ in seen] == [2 * i for i in it.idx]


def test_named_inputs_and_descriptions():
    it = io.NDArrayIter({'b': nd.ones((4, 3)), 'a': np.zeros((4, 2))}, [np.ones(4)],
                        batch_size=2)
    assert [(d.name, d.shape) for d in it.provide_data] == [('a', (2, 2)), ('b', (2, 3))]
    assert [(d.name, d.shape) for d in it.provide_label] == [('softmax_label', (2,))]
    two = io.NDArrayIter([DATA, DATA], batch_size=5)
    assert [d.name for d in two.provide_data] == ['_0_data', '_1_data']
    assert len(two.next().data) == 2


def test_a_longer_label_is_read_as_far_as_the_data_goes():
    it = io.NDArrayIter(np.arange(4.0), {'label': np.arange(10.0)}, batch_size=2)
    assert [b.label[0].asnumpy().tolist() for b in it] == [[0.0, 1.0], [2.0, 3.0]]
    assert it.provide_label[0].shape == (2,)


def test_bad_arguments():
    with pytest.raises(ValueError, match="last_batch_handle"):
        io.NDArrayIter(DATA, last_batch_handle='wrap')
    with pytest.raises(Exception, match="at least as many examples as the data"):
        io.NDArrayIter(DATA, np.arange(3))
    with pytest.raises(TypeError):
        io.NDArrayIter("not an array")
