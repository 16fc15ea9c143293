"""CSVIter over local files."""

from __future__ import annotations

import numpy as np
import pytest

from minigluon import io
from minigluon.base import MXNetError


def _write(path, rows):
    path.write_text("".join(",".join(str(v) for v in r) + "\n" for r in rows))
    return str(path)


@pytest.mark.parametrize("dtype", ["float32", "int32", "int64"])
def test_rows_reshaped_with_labels(tmp_path, dtype):
    data = _write(tmp_path / "d.csv", [[i] * 4 for i in range(5)])
    label = _write(tmp_path / "l.csv", [[i % 2] for i in range(5)])
    it = io.CSVIter(data_csv=data, data_shape=(2, 2), label_csv=label, batch_size=2,
                    dtype=dtype)
    batches = list(it)
    assert len(batches) == 3 and batches[-1].pad == 1
    assert batches[0].data[0].shape == (2, 2, 2)
    assert batches[0].data[0].asnumpy().dtype == np.dtype(dtype)
    assert batches[1].label[0].asnumpy().tolist() == [0, 1]
    it.reset()
    assert it.iter_next() and it.getdata().asnumpy()[1, 0, 0] == 1
    assert it.getlabel().shape == (2,)


def test_without_labels_and_round_batch_off(tmp_path):
    data = _write(tmp_path / "d.csv", [[1, 2], [3, 4], [5, 6]])
    it = io.CSVIter(data_csv=data, data_shape=(2,), batch_size=2, round_batch=False)
    batches = list(it)
    assert len(batches) == 1 and batches[0].label[0].asnumpy().tolist() == [0, 0]


def test_errors_name_the_file(tmp_path):
    data = _write(tmp_path / "d.csv", [[1, 2, 3]])
    with pytest.raises(MXNetError, match="3 values per line"):
        io.CSVIter(data_csv=data, data_shape=(2,))
    with pytest.raises(MXNetError, match=r"missing\.csv"):
        io.CSVIter(data_csv=str(tmp_path / "missing.csv"), data_shape=(2,))
