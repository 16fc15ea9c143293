"""DataDesc, DataBatch and the DataIter protocol."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from minigluon import io, nd


def test_data_desc_is_a_name_shape_pair_with_dtype_and_layout():
    d = io.DataDesc('data', [2, 3], 'int32', layout='NC')
    name, shape = d
    assert (name, shape, d.dtype, d.layout) == ('data', (2, 3), 'int32', 'NC')
    assert repr(d) == 'DataDesc[data,(2, 3),int32,NC]'
    e = pickle.loads(pickle.dumps(d))
    assert (e.dtype, e.layout) == ('int32', 'NC')
    assert io.DataDesc.get_batch_axis('TNC') == 1 and io.DataDesc.get_batch_axis(None) == 0


def test_data_batch_str_and_checks():
    b = io.DataBatch([nd.ones((2, 3)), nd.ones((7, 8))], [nd.ones((4, 5))], pad=1)
    assert str(b) == 'DataBatch: data shapes: [(2, 3), (7, 8)] label shapes: [(4, 5)]'
    assert str(io.DataBatch([nd.ones(1)])).endswith('label shapes: None')
    with pytest.raises(TypeError):
        io.DataBatch(nd.ones(1))


def test_data_iter_builds_batches_from_its_getters():
    class Counter(io.DataIter):
        def __init__(self):
            super().__init__(batch_size=2)
            self.n = 0

        def iter_next(self):
            self.n += 1
            return self.n <= 2

        def getdata(self):
            return [nd.array([self.n, self.n])]

    batches = list(Counter())
    assert [b.data[0].asnumpy().tolist() for b in batches] == [[1, 1], [2, 2]]
    assert batches[0].label is None and batches[0].pad == 0
    with pytest.raises(NotImplementedError):
        io.DataIter().next()
    assert np.all(io.NDArrayIter(np.ones(2)).getpad() == 0)
