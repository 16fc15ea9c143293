"""What this build can do, under MXNet's feature names (``mx.runtime.Features``).

MXNet reports the options it was compiled with (CUDA, MKLDNN, ...). minigluon has no compiled
core, so its answers describe what runs underneath: numpy's SIMD paths on this CPU, the BLAS
numpy was built with, and 64-bit array sizes. Everything that needs a GPU, a C++ engine or a
distributed store is reported as disabled, so code that checks before using it takes its
fallback path.

See Also
--------
Features, feature_list
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
from numpy._core._multiarray_umath import __cpu_features__ as _cpu_features

__all__ = ["Feature", "Features", "feature_list"]

#: MXNet 1.9's feature names, in its order; numpy's name for the CPU ones where they differ.
_CPU = {"CPU_SSE": "SSE", "CPU_SSE2": "SSE2", "CPU_SSE3": "SSE3", "CPU_SSE4_1": "SSE41",
        "CPU_SSE4_2": "SSE42", "CPU_SSE4A": None, "CPU_AVX": "AVX", "CPU_AVX2": "AVX2",
        "F16C": "F16C"}
_NAMES = ("CUDA", "CUDNN", "NCCL", "CUDA_RTC", "TENSORRT", "CPU_SSE", "CPU_SSE2", "CPU_SSE3",
          "CPU_SSE4_1", "CPU_SSE4_2", "CPU_SSE4A", "CPU_AVX", "CPU_AVX2", "OPENMP", "SSE",
          "F16C", "JEMALLOC", "BLAS_OPEN", "BLAS_ATLAS", "BLAS_MKL", "BLAS_APPLE", "LAPACK",
          "MKLDNN", "OPENCV", "CAFFE", "PROFILER", "DIST_KVSTORE", "CXX14",
          "INT64_TENSOR_SIZE", "SIGNAL_HANDLER", "DEBUG", "TVM_OP")


class Feature:
    """One feature: its MXNet name and whether this build has it.

    Parameters
    ----------
    name : str
        MXNet's name for it (``'CUDA'``, ``'BLAS_OPEN'``...).
    enabled : bool
        Whether minigluon provides it here.

    See Also
    --------
    Features

    Examples
    --------
    >>> import minigluon as mx
    >>> mx.runtime.Features()['CUDA']
    ✖ CUDA
    """

    def __init__(self, name: str, enabled: bool) -> None:
        self.name = name
        self.enabled = bool(enabled)

    def __repr__(self) -> str:
        return f"{'✔' if self.enabled else '✖'} {self.name}"


def _blas_name() -> str:
    try:
        deps = np.show_config(mode="dicts")["Build Dependencies"]  # type: ignore[index]
        return str(deps["blas"]["name"]).lower()
    except (TypeError, KeyError, ValueError):
        return ""


def _enabled(name: str, cpu: dict, blas: str) -> bool:
    if name in _CPU:
        return bool(_CPU[name] and cpu.get(_CPU[name], False))
    if name == "SSE":  # MXNet's flag for its own SSE kernels: numpy's SSE dispatch here
        return bool(cpu.get("SSE", False))
    if name == "BLAS_OPEN":
        return "openblas" in blas
    if name == "BLAS_MKL":
        return "mkl" in blas
    if name == "BLAS_APPLE":
        return "accelerate" in blas
    # numpy ships LAPACK with its BLAS, and its arrays index with 64-bit integers
    return name in ("LAPACK", "INT64_TENSOR_SIZE")


def feature_list() -> list[Feature]:
    """Every feature MXNet 1.9 names, each with whether this build has it.

    Returns
    -------
    list of Feature
        In MXNet's order: GPU libraries, CPU instruction sets, BLAS, engine options...

    See Also
    --------
    Features

    Examples
    --------
    >>> import minigluon as mx
    >>> features = mx.runtime.feature_list()
    >>> features[0]
    ✖ CUDA
    >>> [f.name for f in features if f.name.startswith('BLAS')]
    ['BLAS_OPEN', 'BLAS_ATLAS', 'BLAS_MKL', 'BLAS_APPLE']
    """
    blas = _blas_name()
    return [Feature(name, _enabled(name, _cpu_features, blas)) for name in _NAMES]


class Features(OrderedDict):
    """The features of this build by name; ``is_enabled`` asks for one.

    Made once per process (the answers cannot change while it runs), like MXNet's.

    See Also
    --------
    feature_list, Feature

    Examples
    --------
    >>> import minigluon as mx
    >>> features = mx.runtime.Features()
    >>> features.is_enabled('cuda'), features.is_enabled('INT64_TENSOR_SIZE')
    (False, True)
    >>> features.is_enabled('WARP_DRIVE')
    Traceback (most recent call last):
    ...
    RuntimeError: Feature 'WARP_DRIVE' is unknown, known features are: ['CUDA', ...]
    """

    _instance: Features | None = None

    def __new__(cls) -> Features:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
            OrderedDict.__init__(cls._instance, [(f.name, f) for f in feature_list()])
        return cls._instance

    def __init__(self) -> None:  # filled once in __new__
        pass

    def __repr__(self) -> str:
        return str(list(self.values()))

    def is_enabled(self, feature_name: str) -> bool:
        """Whether the feature is available; the name is case-insensitive.

        Parameters
        ----------
        feature_name : str
            An MXNet feature name such as ``'CUDA'`` or ``'blas_open'``.

        Returns
        -------
        bool

        Raises
        ------
        RuntimeError
            For a name MXNet does not know, listing the known ones.

        See Also
        --------
        feature_list

        Examples
        --------
        >>> import minigluon as mx
        >>> mx.runtime.Features().is_enabled('MKLDNN')
        False
        """
        name = feature_name.upper()
        if name not in self:
            raise RuntimeError(f"Feature '{name}' is unknown, known features are: "
                               f"{list(self.keys())}")
        return self[name].enabled
