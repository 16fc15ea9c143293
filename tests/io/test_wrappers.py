"""ResizeIter and PrefetchingIter."""

from __future__ import annotations

import numpy as np

from minigluon import io


def test_resize_iter_gives_a_fixed_number_of_batches():
    it = io.ResizeIter(io.NDArrayIter(np.arange(6), batch_size=2), 5)
    assert [b.data[0].asnumpy()[0] for b in it] == [0, 2, 4, 0, 2]
    it.reset()
    assert len(list(it)) == 5
    assert it.provide_data[0].shape == (2,)


def test_prefetching_iter_joins_iterators_and_renames():
    a = io.NDArrayIter(np.arange(4), np.arange(4), batch_size=2)
    b = io.NDArrayIter(np.arange(4, 8), batch_size=2, data_name='b')
    it = io.PrefetchingIter([a, b], rename_data=[{'data': 'a'}, {}])
    assert [d.name for d in it.provide_data] == ['a', 'b']
    batches = list(it)
    assert len(batches) == 2
    assert [x.asnumpy().tolist() for x in batches[1].data] == [[2, 3], [6, 7]]
    assert batches[0].label[0].asnumpy().tolist() == [0, 1]
    it.reset()
    assert it.iter_next() and it.getpad() == 0
