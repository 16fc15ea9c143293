"""gluon/param_files.py: every loader reports all missing, unexpected and mis-shaped names at
once, loads nothing when it raises, and keeps MXNet's flags and first-line texts."""

from __future__ import annotations

import numpy as np
import pytest

import minigluon as mx
from minigluon import gluon, nd
from minigluon.gluon import nn
from minigluon.gluon.parameter import MismatchError
from minigluon.name import NameManager


@pytest.fixture(autouse=True)
def _fresh_names():
    with NameManager():
        yield


def _params(prefix: str, shapes: dict[str, tuple]) -> gluon.ParameterDict:
    params = gluon.ParameterDict(prefix)
    for name, shape in shapes.items():
        params.get(name, shape=shape)
    params.initialize(mx.init.Zero())
    return params


def _file(tmp_path, arrays: dict[str, np.ndarray]) -> str:
    path = str(tmp_path / "p.params")
    nd.save(path, {k: nd.array(v) for k, v in arrays.items()})
    return path


# one network and one file that differ in every way: 'b' missing, 'c' unexpected, 'w' mis-shaped
_NET = {"w": (2, 3), "b": (2,), "keep": (1,)}
_FILE = {"w": np.ones((2, 4)), "c": np.ones((5,)), "keep": np.full((1,), 7.0)}


def _all_three_reported(msg: str, prefix: str = "net_") -> None:
    assert f"missing in file: '{prefix}b'" in msg
    assert f"unexpected in file: '{prefix}c'" in msg
    assert f"shape mismatch: '{prefix}w': network (2, 3), file (2, 4)" in msg


def test_parameterdict_load_reports_everything_at_once(tmp_path) -> None:
    # Before: names were reported, but shapes were checked only once the names matched, one
    # at a time (a plain ValueError), after the Parameters before them had been loaded.
    params = _params("net_", _NET)
    path = _file(tmp_path, {f"net_{k}": v for k, v in _FILE.items()})
    with pytest.raises(MismatchError) as err:
        params.load(path)
    msg = str(err.value)
    assert msg.startswith(f"Parameter 'net_b' is missing in {path}, which contains parameters:")
    assert "Please make sure source and target networks have the same prefix." in msg
    _all_three_reported(msg)
    assert params["net_keep"].data().asnumpy().tolist() == [0.0]  # nothing was loaded


def test_parameterdict_load_restore_prefix_strips_in_the_first_line(tmp_path) -> None:
    params = _params("net_", _NET)
    path = _file(tmp_path, _FILE)  # keys without the prefix
    with pytest.raises(MismatchError) as err:
        params.load(path, restore_prefix="net_")
    msg = str(err.value)
    assert msg.startswith(f"Parameter 'b' is missing in {path}, which contains parameters: "
                          "'w', 'c', 'keep'.")
    assert "missing in file: 'net_b'" in msg
    assert "unexpected in file: 'c'" in msg  # as the file names it (no restore_prefix)
    assert "shape mismatch: 'net_w': network (2, 3), file (2, 4)" in msg


def test_a_name_without_the_restore_prefix_is_not_cut(tmp_path) -> None:
    # MXNet cuts len(prefix) characters off: Sequential.load_parameters of a lone Dense's
    # file (a legacy load, restore_prefix 'sequential0_') said "Parameter 't' is missing"
    with NameManager():
        dense = nn.Dense(3, in_units=2)
        dense.initialize()
        path = str(tmp_path / "dense.params")
        dense.save_parameters(path)
        net = nn.Sequential()
        net.add(nn.Dense(3, in_units=2))
        net.initialize()
    with pytest.raises(MismatchError) as err:
        net.load_parameters(path)
    msg = str(err.value)
    assert msg.startswith(f"Parameter 'dense1_weight' is missing in {path}, which contains "
                          "parameters: 'weight', 'bias'.")
    assert "missing in file: 'dense1_weight' (closest in file: ['weight'])" in msg
    assert "unexpected in file: 'weight' (closest in network: ['dense1_weight'])" in msg


def test_flags_silence_their_own_kind_but_shapes_are_always_checked(tmp_path) -> None:
    params = _params("net_", _NET)
    path = _file(tmp_path, {f"net_{k}": v for k, v in _FILE.items()})
    with pytest.raises(MismatchError) as err:
        params.load(path, allow_missing=True, ignore_extra=True)
    msg = str(err.value)
    assert msg.startswith("Failed loading Parameter 'net_w' from saved params: shape "
                          "incompatible expected (2, 3) vs saved (2, 4)")
    assert "missing in file" not in msg and "unexpected in file" not in msg
    ok = _file(tmp_path, {"net_w": np.ones((2, 3)), "net_c": np.ones(5)})
    params.load(ok, allow_missing=True, ignore_extra=True)
    np.testing.assert_array_equal(params["net_w"].data().asnumpy(), np.ones((2, 3)))


def test_load_dict_reports_like_a_file(tmp_path) -> None:
    # Before: "load_dict: names do not match"; shapes were checked one at a time.
    params = _params("net_", _NET)
    with pytest.raises(MismatchError) as err:
        params.load_dict({f"net_{k}": nd.array(v) for k, v in _FILE.items()})
    msg = str(err.value)
    assert msg.startswith("Parameter 'net_b' is missing in param_dict, which contains")
    assert "missing in dict: 'net_b'" in msg and "unexpected in dict: 'net_c'" in msg
    assert "shape mismatch: 'net_w': network (2, 3), dict (2, 4)" in msg


def test_block_load_parameters_reports_everything_and_loads_nothing(tmp_path) -> None:
    src = nn.HybridSequential()
    src.add(nn.Dense(4, in_units=3), nn.Dense(2, in_units=4), nn.Dense(1, in_units=2))
    src.initialize(mx.init.One())
    path = str(tmp_path / "src.params")
    src.save_parameters(path)
    dst = nn.HybridSequential()
    dst.add(nn.Dense(4, in_units=3), nn.Dense(2, in_units=5))
    dst.initialize(mx.init.Zero())
    with pytest.raises(MismatchError):
        dst.load_parameters(path)
    assert dst[0].weight.data().asnumpy().sum() == 0  # '0.weight' fitted, but was not loaded


def test_symbolblock_imports_reports_everything_at_once(tmp_path) -> None:
    # (A SymbolBlock's Parameters have no shapes before its first forward pass, so only
    # names can be checked here.)
    net = nn.HybridSequential()
    net.add(nn.Dense(3, in_units=2), nn.Dense(1, in_units=3))
    net.initialize()
    net.hybridize()
    net(nd.ones((1, 2)))
    prefix = str(tmp_path / "net")
    net.export(prefix)
    arrays = nd.load(prefix + "-0000.params")
    del arrays["arg:dense0_bias"], arrays["arg:dense1_weight"]
    arrays["arg:stray"] = nd.ones((1,))
    nd.save(prefix + "-0000.params", arrays)
    with pytest.raises(MismatchError) as err:
        gluon.SymbolBlock.imports(prefix + "-symbol.json", ["data"], prefix + "-0000.params")
    msg = str(err.value)
    assert msg.startswith("Parameter 'dense0_bias' is missing in ")
    for line in ["missing in file: 'dense0_bias'", "missing in file: 'dense1_weight'",
                 "unexpected in file: 'stray'"]:
        assert line in msg


def test_cast_dtype_with_dtype_source_saved_takes_the_files_dtype(tmp_path) -> None:
    params = _params("net_", {"w": (2,)})
    path = _file(tmp_path, {"net_w": np.array([1.5, 2.5])})
    f64 = str(tmp_path / "f64.params")
    nd.save(f64, {"net_w": nd.array([1.5, 2.5], dtype="float64")})
    params.load(f64)  # default: cast to the Parameter's dtype
    assert params["net_w"].data().dtype == np.float32
    params.load(f64, cast_dtype=True, dtype_source="saved")
    assert params["net_w"].dtype == "float64"
    assert params["net_w"].data().dtype == np.float64
    params.load(path, cast_dtype=True, dtype_source="current")
    assert params["net_w"].data().dtype == np.float64
    with pytest.raises(ValueError, match="dtype_source must be 'current' or 'saved'"):
        params.load(path, cast_dtype=True, dtype_source="file")


def test_a_deduplicated_file_loads_every_name_of_a_shared_parameter(tmp_path) -> None:
    def shared_pair() -> nn.HybridSequential:
        net = nn.HybridSequential()
        first = nn.Dense(2, in_units=2)
        net.add(first, nn.Dense(2, in_units=2, params=first.collect_params()))
        return net

    src = shared_pair()
    src.initialize(mx.init.Constant(3))
    path = str(tmp_path / "dedup.params")
    src.save_parameters(path, deduplicate=True)
    dst = shared_pair()
    dst.initialize()
    dst.load_parameters(path)
    assert dst[1].weight.data().asnumpy().tolist() == [[3, 3], [3, 3]]
    lone = nn.HybridSequential()
    lone.add(nn.Dense(2, in_units=2), nn.Dense(2, in_units=2))  # not shared: '1.*' missing
    with pytest.raises(MismatchError, match=r"Parameter '1\.weight' is missing in file"):
        lone.load_parameters(path)


def test_dtype_source_saved_takes_the_file_dtype(tmp_path) -> None:
    net = nn.Dense(2, in_units=2)
    net.initialize()
    net.cast("float16")
    path = str(tmp_path / "half.params")
    net.save_parameters(path)
    net.cast("float32")
    net.load_parameters(path, cast_dtype=True, dtype_source="current")
    assert net.weight.data().dtype == np.float32
    net.load_parameters(path, cast_dtype=True, dtype_source="saved")
    assert net.weight.dtype == np.float16 and net.weight.data().dtype == np.float16
    with pytest.raises(ValueError, match="dtype_source must be 'current' or 'saved'"):
        net.load_parameters(path, cast_dtype=True, dtype_source="file")
