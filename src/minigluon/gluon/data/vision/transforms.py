"""Image transforms (``gluon.data.vision.transforms``): ToTensor, Normalize, Resize, Cast...

Images are ``(H, W, C)`` arrays (batches ``(N, H, W, C)``) until :class:`ToTensor` turns them
into ``(C, H, W)`` float32 in ``[0, 1]``. Each transform is a plain callable taking an NDArray
(or a numpy array) and returning an NDArray; in MXNet they are Blocks, which matters only for
hybridizing a :class:`Compose` (not supported here). Use them with
``dataset.transform_first(Compose([...]))``.

See Also
--------
Compose, ToTensor, Normalize
minigluon.gluon.data.Dataset.transform_first
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .... import _rng
from .... import ndarray as nd

__all__ = ["Cast", "Compose", "Normalize", "RandomFlipLeftRight", "Resize", "ToTensor"]


def _np(x: Any) -> np.ndarray:
    return np.asarray(x)


def _nd(a: np.ndarray) -> Any:
    return nd.array(a, dtype=a.dtype)


def _check_ndim(name: str, a: np.ndarray, layout: str) -> None:
    if a.ndim not in (3, 4):
        raise ValueError(f"{name}: expected an image of shape ({layout}) or a batch "
                         f"(N, {layout}), got an array of shape {a.shape}")


class Compose:
    """Apply transforms one after the other.

    Parameters
    ----------
    transforms : list of callable
        The transforms, applied in order.

    See Also
    --------
    ToTensor, Normalize
    minigluon.gluon.nn.HybridSequential

    Examples
    --------
    >>> import numpy as np
    >>> from minigluon.gluon.data.vision import transforms
    >>> t = transforms.Compose([transforms.ToTensor(), transforms.Normalize(0.5, 0.5)])
    >>> out = t(np.full((2, 2, 3), 255, dtype='uint8'))
    >>> out.shape, float(out.max().asscalar())
    ((3, 2, 2), 1.0)
    """

    def __init__(self, transforms: list[Callable[[Any], Any]]) -> None:
        self._transforms = list(transforms)

    def __call__(self, x: Any) -> Any:
        for t in self._transforms:
            x = t(x)
        return x

    def __repr__(self) -> str:
        inner = "\n".join(f"  {t!r}" for t in self._transforms)
        return f"Compose(\n{inner}\n)"


class Cast:
    """Cast to ``dtype``.

    Parameters
    ----------
    dtype : str, default 'float32'
        Data type to convert to.

    See Also
    --------
    ToTensor
    minigluon.ndarray.Cast

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.gluon.data.vision import transforms
    >>> transforms.Cast('float16')(nd.ones((2,))).dtype
    <class 'numpy.float16'>
    """

    def __init__(self, dtype: Any = "float32") -> None:
        self._dtype = np.dtype(dtype)

    def __call__(self, x: Any) -> Any:
        return _nd(_np(x).astype(self._dtype))

    def __repr__(self) -> str:
        return f"Cast({self._dtype.name})"


class ToTensor:
    """``(H, W, C)`` image with values in ``[0, 255]`` → ``(C, H, W)`` float32 in ``[0, 1]``.

    Batches ``(N, H, W, C)`` become ``(N, C, H, W)``. The values are divided by 255.

    See Also
    --------
    Normalize, Compose, Cast
    minigluon.gluon.data.Dataset.transform_first

    Examples
    --------
    >>> import numpy as np
    >>> from minigluon.gluon.data.vision import transforms
    >>> img = np.zeros((4, 5, 3), dtype='uint8')
    >>> img[0, 0] = 255
    >>> t = transforms.ToTensor()(img)
    >>> t.shape, t.dtype, t[:, 0, 0].asnumpy().tolist()
    ((3, 4, 5), <class 'numpy.float32'>, [1.0, 1.0, 1.0])
    """

    def __call__(self, x: Any) -> Any:
        a = _np(x)
        _check_ndim("ToTensor", a, "H, W, C")
        axes = (2, 0, 1) if a.ndim == 3 else (0, 3, 1, 2)
        return _nd(np.ascontiguousarray(a.transpose(axes), dtype=np.float32) / np.float32(255))

    def __repr__(self) -> str:
        return "ToTensor()"


class Normalize:
    """Normalize a ``(C, H, W)`` tensor (or ``(N, C, H, W)`` batch) per channel.

    ``out[c] = (x[c] - mean[c]) / std[c]``.

    Parameters
    ----------
    mean : float or sequence of float, default 0.0
        One value, or one per channel.
    std : float or sequence of float, default 1.0
        One value, or one per channel.

    See Also
    --------
    ToTensor, Compose

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.gluon.data.vision import transforms
    >>> x = nd.ones((2, 1, 2))
    >>> transforms.Normalize(mean=(0, 0.5), std=(1, 0.25))(x)[:, 0, 0]
    <BLANKLINE>
    [1. 2.]
    <NDArray 2 @cpu(0)>
    """

    def __init__(self, mean: Any = 0.0, std: Any = 1.0) -> None:
        self._mean = np.atleast_1d(np.asarray(mean, dtype=np.float32))
        self._std = np.atleast_1d(np.asarray(std, dtype=np.float32))

    def __call__(self, x: Any) -> Any:
        a = _np(x)
        _check_ndim("Normalize", a, "C, H, W")
        c = a.shape[-3]
        for name, v in (("mean", self._mean), ("std", self._std)):
            if v.size not in (1, c):
                raise ValueError(f"Normalize: {name} has {v.size} values but the input has {c} "
                                 f"channels (shape {a.shape}); give 1 or {c} values")
        shape = (-1, 1, 1)
        out = (a.astype(np.float32) - self._mean.reshape(shape)) / self._std.reshape(shape)
        return _nd(out.astype(np.float32))

    def __repr__(self) -> str:
        return f"Normalize(mean={self._mean.tolist()}, std={self._std.tolist()})"


def _source_coords(out_len: int, in_len: int, nearest: bool) -> tuple:
    """OpenCV's sampling positions: (low index, high index, weight of high)."""
    scale = in_len / out_len
    dst = np.arange(out_len, dtype=np.float64)
    if nearest:
        idx = np.minimum(np.floor(dst * scale).astype(np.int64), in_len - 1)
        return idx, idx, np.zeros(out_len)
    src = np.clip((dst + 0.5) * scale - 0.5, 0, in_len - 1)
    lo = np.floor(src).astype(np.int64)
    hi = np.minimum(lo + 1, in_len - 1)
    return lo, hi, src - lo


class Resize:
    """Resize ``(H, W, C)`` images (or ``(N, H, W, C)`` batches) to ``size``.

    Sampling follows OpenCV's ``cv2.resize`` (pixel centres aligned), computed with numpy.

    Parameters
    ----------
    size : int or (int, int)
        ``(width, height)`` of the output, or one int for a square output (with
        ``keep_ratio``: the length of the shorter side, the other keeping the aspect ratio).
    keep_ratio : bool, default False
        See ``size``.
    interpolation : int, default 1
        0 nearest neighbour, 1 bilinear; 2 (area), 3 (bicubic) and 4 (Lanczos) are computed
        as bilinear here.

    See Also
    --------
    RandomFlipLeftRight, ToTensor

    Examples
    --------
    >>> import numpy as np
    >>> from minigluon.gluon.data.vision import transforms
    >>> img = np.arange(4, dtype='float32').reshape(2, 2, 1)
    >>> out = transforms.Resize(4)(img)
    >>> out.shape, out[:, :, 0].asnumpy()[0].tolist()
    ((4, 4, 1), [0.0, 0.25, 0.75, 1.0])
    >>> transforms.Resize(3, keep_ratio=True)(np.zeros((4, 8, 3))).shape
    (3, 6, 3)
    """

    def __init__(self, size: int | tuple[int, int], keep_ratio: bool = False,
                 interpolation: int = 1) -> None:
        if interpolation not in (0, 1, 2, 3, 4):
            raise ValueError(f"Resize: interpolation must be 0 (nearest), 1 (bilinear), 2, 3 "
                             f"or 4, got {interpolation}")
        self._size = size
        self._keep_ratio = keep_ratio
        self._interpolation = interpolation

    def _out_hw(self, h: int, w: int) -> tuple[int, int]:
        if isinstance(self._size, (tuple, list)):
            return int(self._size[1]), int(self._size[0])
        s = int(self._size)
        if not self._keep_ratio:
            return s, s
        if w < h:
            return int(h * s / w), s
        return s, int(w * s / h)

    def __call__(self, x: Any) -> Any:
        a = _np(x)
        _check_ndim("Resize", a, "H, W, C")
        h_ax = a.ndim - 3
        oh, ow = self._out_hw(a.shape[h_ax], a.shape[h_ax + 1])
        nearest = self._interpolation == 0
        ylo, yhi, fy = _source_coords(oh, a.shape[h_ax], nearest)
        xlo, xhi, fx = _source_coords(ow, a.shape[h_ax + 1], nearest)
        if nearest:
            return _nd(np.take(np.take(a, ylo, axis=h_ax), xlo, axis=h_ax + 1))
        f = a.astype(np.float64)
        fy = fy.reshape(-1, 1, 1)
        fx = fx.reshape(-1, 1)
        rows = np.take(f, ylo, axis=h_ax) * (1 - fy) + np.take(f, yhi, axis=h_ax) * fy
        out = (np.take(rows, xlo, axis=h_ax + 1) * (1 - fx)
               + np.take(rows, xhi, axis=h_ax + 1) * fx)
        if np.issubdtype(a.dtype, np.integer):
            info = np.iinfo(a.dtype)
            out = np.clip(np.rint(out), info.min, info.max)
        return _nd(out.astype(a.dtype))

    def __repr__(self) -> str:
        return (f"Resize(size={self._size}, keep_ratio={self._keep_ratio}, "
                f"interpolation={self._interpolation})")


class RandomFlipLeftRight:
    """Flip the image (or the whole batch) horizontally with probability 0.5.

    Draws from the global generator (``mx.random.seed`` makes it reproducible).

    See Also
    --------
    Compose, Resize
    minigluon.random.seed

    Examples
    --------
    >>> import minigluon as mx
    >>> from minigluon.gluon.data.vision import transforms
    >>> mx.random.seed(0)
    >>> img = mx.nd.arange(3).reshape((1, 3, 1))
    >>> flip = transforms.RandomFlipLeftRight()
    >>> sorted({tuple(flip(img).asnumpy().ravel().tolist()) for _ in range(20)})
    [(0.0, 1.0, 2.0), (2.0, 1.0, 0.0)]
    """

    def __call__(self, x: Any) -> Any:
        a = _np(x)
        _check_ndim("RandomFlipLeftRight", a, "H, W, C")
        if _rng.generator().random() < 0.5:
            a = np.flip(a, axis=a.ndim - 2)
        return _nd(np.ascontiguousarray(a))

    def __repr__(self) -> str:
        return "RandomFlipLeftRight()"
