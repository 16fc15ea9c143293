"""gluon.data: datasets, samplers, DataLoader batching, vision transforms."""

from __future__ import annotations

import numpy as np
import pytest

import minigluon as mx
from minigluon import nd
from minigluon.gluon import data
from minigluon.gluon.data.vision import transforms


# -- datasets -----------------------------------------------------------------------------------
def test_array_dataset_tuples_and_single() -> None:
    x = nd.arange(12).reshape((6, 2))
    y = nd.arange(6)
    ds = data.ArrayDataset(x, y)
    assert len(ds) == 6
    xi, yi = ds[2]
    assert isinstance(xi, nd.NDArray) and xi.asnumpy().tolist() == [4, 5]
    # 1-D NDArrays become numpy, so a label is a number, not a (1,) NDArray
    assert isinstance(yi, np.generic) and yi == 2
    single = data.ArrayDataset(np.arange(3))
    assert single[1] == 1 and len(single) == 3


def test_array_dataset_length_mismatch_text() -> None:
    with pytest.raises(ValueError) as e:
        data.ArrayDataset(np.zeros(4), np.zeros(4), [1, 2])
    assert str(e.value) == ("All arrays must have the same length; array[0] has length 4 while "
                            "array[2] has 2.")
    with pytest.raises(ValueError, match="at least 1"):
        data.ArrayDataset()


def test_simple_dataset_and_iteration() -> None:
    ds = data.SimpleDataset([5, 6, 7])
    assert len(ds) == 3 and ds[-1] == 7 and list(ds) == [5, 6, 7]


def test_transform_lazy_and_eager() -> None:
    calls = []

    def f(x):
        calls.append(x)
        return x * 2

    ds = data.SimpleDataset([1, 2, 3])
    lazy = ds.transform(f)
    assert calls == [] and lazy[1] == 4 and calls == [2]
    eager = ds.transform(f, lazy=False)
    assert isinstance(eager, data.SimpleDataset) and list(eager) == [2, 4, 6]
    assert len(calls) == 4
    eager[0]
    assert len(calls) == 4  # results were kept


def test_transform_unpacks_tuples_and_transform_first() -> None:
    ds = data.ArrayDataset(np.array([1, 2]), np.array([10, 20]))
    assert ds.transform(lambda a, b: a + b)[1] == 22
    tf = ds.transform_first(lambda a: -a)
    assert tf[0] == (-1, 10) and len(tf) == 2
    assert data.SimpleDataset([3]).transform_first(lambda a: a + 1)[0] == 4


def test_filter_take_sample_shard() -> None:
    ds = data.SimpleDataset(list(range(10)))
    odd = ds.filter(lambda x: x % 2 == 1)
    assert len(odd) == 5 and list(odd) == [1, 3, 5, 7, 9]
    assert list(ds.take(3)) == [0, 1, 2] and len(ds.take(None)) == 10
    assert len(ds.take(100)) == 10
    assert list(ds.sample(data.SequentialSampler(2, start=8))) == [8, 9]
    with pytest.raises(TypeError, match=r"Expected gluon\.data\.Sampler"):
        ds.sample([1, 2])
    shards = [list(ds.shard(4, i)) for i in range(4)]
    assert shards == [[0, 1, 2], [3, 4, 5], [6, 7], [8, 9]]
    with pytest.raises(ValueError, match="Shard index of out bound"):
        ds.shard(2, 2)


def test_custom_dataset_subclass() -> None:
    class Squares(data.Dataset):
        def __getitem__(self, i):
            return i * i

        def __len__(self):
            return 3

    assert list(Squares().transform(lambda v: v + 1)) == [1, 2, 5]


# -- samplers -----------------------------------------------------------------------------------
def test_sequential_and_random_sampler() -> None:
    assert list(data.SequentialSampler(4)) == [0, 1, 2, 3]
    mx.random.seed(3)
    a = list(data.RandomSampler(10))
    b = list(data.RandomSampler(10))
    assert sorted(a) == list(range(10)) and a != b and len(data.RandomSampler(10)) == 10
    assert all(type(i) is int for i in a)
    mx.random.seed(3)
    assert list(data.RandomSampler(10)) == a


def test_filter_sampler() -> None:
    s = data.FilterSampler(lambda x: x > 0, [1, -1, 2, 0])
    assert list(s) == [0, 2] and len(s) == 2


@pytest.mark.parametrize("last_batch, batches, length", [
    ("keep", [[0, 1, 2], [3, 4, 5], [6]], 3),
    ("discard", [[0, 1, 2], [3, 4, 5]], 2),
    ("rollover", [[0, 1, 2], [3, 4, 5]], 2),
])
def test_batch_sampler(last_batch, batches, length) -> None:
    s = data.BatchSampler(data.SequentialSampler(7), 3, last_batch)
    assert len(s) == length and list(s) == batches


def test_batch_sampler_rollover_carries_over() -> None:
    s = data.BatchSampler(data.SequentialSampler(7), 3, "rollover")
    assert list(s) == [[0, 1, 2], [3, 4, 5]]
    assert len(s) == 2  # (1 carried + 7) // 3
    assert list(s) == [[6, 0, 1], [2, 3, 4]]
    assert len(s) == 3  # (2 carried + 7) // 3
    assert list(s) == [[5, 6, 0], [1, 2, 3], [4, 5, 6]]


def test_batch_sampler_bad_last_batch() -> None:
    with pytest.raises(ValueError, match="last_batch must be one of 'keep', 'discard', or "
                                         "'rollover', but got bad"):
        data.BatchSampler(data.SequentialSampler(3), 2, "bad")


# -- DataLoader ---------------------------------------------------------------------------------
def test_dataloader_batches_and_len() -> None:
    x = np.arange(20, dtype=np.float32).reshape(10, 2)
    y = np.arange(10)
    loader = data.DataLoader(data.ArrayDataset(x, y), batch_size=4)
    batches = list(loader)
    assert len(loader) == 3 and len(batches) == 3
    bx, by = batches[0]
    assert isinstance(bx, nd.NDArray) and bx.shape == (4, 2) and bx.dtype == np.float32
    assert by.dtype == np.int64 and by.asnumpy().tolist() == [0, 1, 2, 3]
    assert batches[-1][0].shape == (2, 2)
    assert len(data.DataLoader(data.ArrayDataset(x, y), 4, last_batch="discard")) == 2


def test_dataloader_shuffle_is_seeded_and_complete() -> None:
    ds = data.ArrayDataset(np.arange(8))
    mx.random.seed(5)
    first = np.concatenate([b.asnumpy() for b in data.DataLoader(ds, 3, shuffle=True)])
    mx.random.seed(5)
    again = np.concatenate([b.asnumpy() for b in data.DataLoader(ds, 3, shuffle=True)])
    assert sorted(first.tolist()) == list(range(8)) and first.tolist() == again.tolist()
    assert first.tolist() != list(range(8))


def test_dataloader_nd_samples_stacked() -> None:
    ds = data.SimpleDataset([nd.ones((2, 3)) * i for i in range(5)])
    batch = next(iter(data.DataLoader(ds, batch_size=5)))
    assert batch.shape == (5, 2, 3) and batch[4].asnumpy().max() == 4


def test_dataloader_argument_errors() -> None:
    ds = data.SimpleDataset([1, 2, 3])
    with pytest.raises(ValueError, match="batch_size must be specified"):
        data.DataLoader(ds)
    with pytest.raises(ValueError, match="shuffle must not be specified"):
        data.DataLoader(ds, 2, shuffle=True, sampler=data.SequentialSampler(3))
    bs = data.BatchSampler(data.SequentialSampler(3), 2)
    with pytest.raises(ValueError, match="must not be specified if batch_sampler"):
        data.DataLoader(ds, 2, batch_sampler=bs)
    loader = data.DataLoader(ds, batch_sampler=bs, num_workers=4)  # workers ignored
    assert [b.asnumpy().tolist() for b in loader] == [[1, 2], [3]]


def test_dataloader_custom_batchify_and_sampler() -> None:
    ds = data.SimpleDataset(list("abcde"))
    loader = data.DataLoader(ds, batch_size=2, sampler=data.SequentialSampler(4, start=1),
                             batchify_fn="".join)
    assert list(loader) == ["bc", "de"]


def test_default_batchify_fn_kinds() -> None:
    out = data.default_batchify_fn([1.5, 2.5])
    assert out.dtype == np.float64  # as in MXNet: numpy's dtype is kept
    out = data.default_batchify_fn([np.ones((2,), np.uint8), np.zeros((2,), np.uint8)])
    assert out.dtype == np.uint8 and out.shape == (2, 2)
    nested = data.default_batchify_fn([(nd.ones((1,)), (1, 2.0)), (nd.zeros((1,)), (3, 4.0))])
    assert nested[0].shape == (2, 1)
    assert [a.asnumpy().tolist() for a in nested[1]] == [[1, 3], [2.0, 4.0]]


# -- transforms ---------------------------------------------------------------------------------
def test_to_tensor_image_and_batch() -> None:
    img = np.random.default_rng(0).integers(0, 256, (4, 5, 3)).astype(np.uint8)
    t = transforms.ToTensor()(nd.array(img, dtype="uint8"))
    assert t.shape == (3, 4, 5) and t.dtype == np.float32
    np.testing.assert_allclose(t.asnumpy(), img.transpose(2, 0, 1) / 255.0, rtol=1e-6)
    b = transforms.ToTensor()(np.stack([img, img]))
    assert b.shape == (2, 3, 4, 5)
    with pytest.raises(ValueError, match=r"ToTensor: expected an image of shape \(H, W, C\)"):
        transforms.ToTensor()(np.zeros((4, 5)))


def test_normalize_per_channel_and_errors() -> None:
    x = nd.array(np.ones((3, 2, 2)))
    out = transforms.Normalize(mean=(0.5, 0.0, 1.0), std=(0.5, 2.0, 1.0))(x).asnumpy()
    assert out[:, 0, 0].tolist() == [1.0, 0.5, 0.0] and out.dtype == np.float32
    batch = transforms.Normalize(1.0, 2.0)(np.ones((2, 3, 2, 2)))
    assert batch.shape == (2, 3, 2, 2) and float(abs(batch).max().asscalar()) == 0.0
    with pytest.raises(ValueError, match="mean has 2 values but the input has 3 channels"):
        transforms.Normalize(mean=(1, 2))(x)


def test_resize_bilinear_matches_reference_and_nearest() -> None:
    rng = np.random.default_rng(1)
    img = rng.random((5, 7, 2)).astype(np.float32)
    out = transforms.Resize((4, 3))(img).asnumpy()  # size is (width, height)
    assert out.shape == (3, 4, 2)

    def ref(h_out, w_out):  # naive loop, OpenCV's half-pixel convention
        res = np.zeros((h_out, w_out, 2))
        for i in range(h_out):
            sy = min(max((i + 0.5) * 5 / h_out - 0.5, 0), 4)
            y0 = int(np.floor(sy))
            y1, fy = min(y0 + 1, 4), sy - y0
            for j in range(w_out):
                sx = min(max((j + 0.5) * 7 / w_out - 0.5, 0), 6)
                x0 = int(np.floor(sx))
                x1, fx = min(x0 + 1, 6), sx - x0
                res[i, j] = ((1 - fy) * ((1 - fx) * img[y0, x0] + fx * img[y0, x1])
                             + fy * ((1 - fx) * img[y1, x0] + fx * img[y1, x1]))
        return res

    np.testing.assert_allclose(out, ref(3, 4), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(transforms.Resize(9)(img).asnumpy(), ref(9, 9), rtol=1e-5,
                               atol=1e-6)
    near = transforms.Resize((14, 10), interpolation=0)(img).asnumpy()
    np.testing.assert_array_equal(near, img.repeat(2, axis=0).repeat(2, axis=1))
    batch = transforms.Resize(3)(np.stack([img, img]))
    assert batch.shape == (2, 3, 3, 2)


def test_resize_keep_ratio_and_uint8() -> None:
    assert transforms.Resize(4, keep_ratio=True)(np.zeros((8, 6, 3))).shape == (5, 4, 3)
    img = np.array([[0, 255]], dtype=np.uint8).reshape(1, 2, 1)
    out = transforms.Resize((4, 1))(img)
    assert out.dtype == np.uint8 and out.asnumpy().ravel().tolist() == [0, 64, 191, 255]


def test_cast_compose_flip() -> None:
    t = transforms.Compose([transforms.Cast("float64"), transforms.ToTensor()])
    out = t(np.full((2, 2, 1), 51, dtype=np.uint8))
    assert out.dtype == np.float32 and out.shape == (1, 2, 2)
    assert float(out[0, 0, 0].asscalar()) == pytest.approx(0.2)
    img = np.arange(6).reshape(1, 3, 2)
    mx.random.seed(0)
    flips = [transforms.RandomFlipLeftRight()(img).asnumpy() for _ in range(30)]
    seen = {f[0, 0, 0] for f in flips}
    assert seen == {0, 4}
    assert all(np.array_equal(f, img) or np.array_equal(f, img[:, ::-1]) for f in flips)


def test_transform_first_with_dataloader() -> None:
    imgs = np.random.default_rng(2).integers(0, 256, (6, 8, 8, 3)).astype(np.uint8)
    labels = np.arange(6)
    ds = data.ArrayDataset(imgs, labels).transform_first(
        transforms.Compose([transforms.Resize(4), transforms.ToTensor(),
                            transforms.Normalize(0.5, 0.25)]))
    x, y = next(iter(data.DataLoader(ds, batch_size=4)))
    assert x.shape == (4, 3, 4, 4) and x.dtype == np.float32 and y.shape == (4,)
