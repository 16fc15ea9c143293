"""nd.save / nd.load: MXNet's binary format byte for byte, round trips, and damaged files."""

from __future__ import annotations

import ast
import pathlib
import pickle
import struct

import numpy as np
import pytest

from minigluon import nd
from minigluon.base import MXNetError
from minigluon.ndarray import serialization
from minigluon.ndarray.ndarray import NDArray
from minigluon.ndarray.serialization import load_frombuffer

DTYPES = ["float32", "float64", "float16", "uint8", "int8", "int32", "int64", "bool",
          "int16", "uint16", "uint32", "uint64"]

# {'w': [[1, 2, 3], [4, 5, 6]] float32}, written out by hand from SPEC-gluon.md 1.16.
GOLDEN = bytes.fromhex(
    "1201000000000000"  # uint64 0x112: NDArray list magic
    "0000000000000000"  # uint64 reserved
    "0100000000000000"  # uint64 number of arrays
    "c9fa93f9"          # uint32 0xF993FAC9: array record magic (V2)
    "00000000"          # int32 stype = 0 (dense)
    "02000000"          # int32 ndim
    "0200000000000000" "0300000000000000"  # int64 dims
    "01000000" "00000000"  # int32 dev_type = 1 (cpu), int32 dev_id = 0
    "00000000"          # int32 type_flag = 0 (float32)
    "0000803f" "00000040" "00004040" "00008040" "0000a040" "0000c040"  # 1..6 little-endian
    "0100000000000000"  # uint64 number of names
    "0100000000000000" "77"  # uint64 length, b'w'
)


def write(tmp_path: pathlib.Path, data: bytes, name: str = "f.params") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def record(dims, flag, payload: bytes, magic=0xF993FAC9, stype=0, dev=(1, 0)) -> bytes:
    return (struct.pack("<Iii", magic, stype, len(dims)) + struct.pack(f"<{len(dims)}q", *dims)
            + struct.pack("<iii", *dev, flag) + payload)


def file_of(records: list[bytes], names: list[bytes] = ()) -> bytes:
    out = struct.pack("<QQQ", 0x112, 0, len(records)) + b"".join(records)
    out += struct.pack("<Q", len(names)) + b"".join(struct.pack("<Q", len(n)) + n for n in names)
    return out


# -- the format -------------------------------------------------------------------------------
def test_save_writes_the_mxnet_format_byte_for_byte(tmp_path) -> None:
    path = tmp_path / "golden.params"
    nd.save(str(path), {"w": nd.array([[1, 2, 3], [4, 5, 6]])})
    assert path.read_bytes() == GOLDEN


def test_load_reads_the_golden_file(tmp_path) -> None:
    loaded = nd.load(write(tmp_path, GOLDEN))
    assert list(loaded) == ["w"]
    assert loaded["w"].dtype == np.float32
    assert loaded["w"].asnumpy().tolist() == [[1, 2, 3], [4, 5, 6]]


def test_list_file_has_no_names(tmp_path) -> None:
    path = tmp_path / "list.params"
    nd.save(str(path), [nd.array([1.0]), nd.array([2.0, 3.0], dtype="int64")])
    raw = path.read_bytes()
    assert raw[:24] == struct.pack("<QQQ", 0x112, 0, 2)
    assert raw[-8:] == struct.pack("<Q", 0)  # no names
    second = raw[24 + 36:]  # first record: 3 x int32, 1 dim, 3 x int32, 4 bytes of data
    assert second[:4] == struct.pack("<I", 0xF993FAC9)
    assert struct.unpack("<i", second[28:32])[0] == 6  # type_flag int64


@pytest.mark.parametrize("dtype, flag", [("float32", 0), ("float64", 1), ("float16", 2),
                                         ("uint8", 3), ("int32", 4), ("int8", 5), ("int64", 6),
                                         ("bool", 7)])
def test_type_flags(tmp_path, dtype, flag) -> None:
    path = tmp_path / "t.params"
    nd.save(str(path), [nd.ones((3,), dtype=dtype)])
    raw = path.read_bytes()
    assert struct.unpack("<i", raw[24 + 4 + 4 + 4 + 8 + 8:][:4])[0] == flag


# -- round trips ------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
def test_round_trip_keeps_dtype_and_values(tmp_path, dtype) -> None:
    rng = np.random.default_rng(0)
    values = (rng.standard_normal((3, 4, 5)) * 50).astype(dtype)
    if dtype.startswith("u"):
        values = np.abs(values)
    x = nd.array(values, dtype=dtype)
    path = str(tmp_path / "a.params")
    nd.save(path, {"x": x})
    y = nd.load(path)["x"]
    assert y.dtype == np.dtype(dtype).type and y.shape == (3, 4, 5)
    np.testing.assert_array_equal(y.asnumpy(), x.asnumpy())


def test_round_trip_list_dict_single(tmp_path) -> None:
    a, b = nd.arange(6).reshape((2, 3)), nd.ones((4,), dtype="int32")
    p = str(tmp_path / "x")
    nd.save(p, [a, b])
    la = nd.load(p)
    assert isinstance(la, list) and [v.shape for v in la] == [(2, 3), (4,)]
    nd.save(p, (a, b))
    assert isinstance(nd.load(p), list)
    nd.save(p, {"first": a, "second": b, "ünïcode name": a})
    ld = nd.load(p)
    assert isinstance(ld, dict) and list(ld) == ["first", "second", "ünïcode name"]
    np.testing.assert_array_equal(ld["first"].asnumpy(), a.asnumpy())
    nd.save(p, a)
    single = nd.load(p)
    assert isinstance(single, list) and len(single) == 1
    nd.save(p, [])
    assert nd.load(p) == []
    nd.save(p, {})
    assert nd.load(p) == []  # MXNet too: no names means a list


@pytest.mark.parametrize("shape", [(1,), (0,), (2, 0, 3), (1, 1, 1, 1, 1, 1, 1), (7,)])
def test_round_trip_shapes(tmp_path, shape) -> None:
    p = str(tmp_path / "s.params")
    nd.save(p, [nd.ones(shape)])
    assert nd.load(p)[0].shape == shape


def test_loaded_arrays_are_independent_and_writable(tmp_path) -> None:
    p = str(tmp_path / "w.params")
    nd.save(p, [nd.ones((2,)), nd.ones((2,))])
    a, b = nd.load(p)
    a[:] = 5
    assert b.asnumpy().tolist() == [1, 1]


def test_zero_d_and_non_native_byte_order_are_saved_as_mxnet_expects(tmp_path) -> None:
    p = str(tmp_path / "z.params")
    nd.save(p, [NDArray(np.float32(3.5)), NDArray(np.array([1, 2], dtype=">f4"))])
    scalar, big = nd.load(p)
    assert scalar.shape == (1,) and scalar.asscalar() == 3.5
    assert big.dtype == np.float32 and big.asnumpy().tolist() == [1, 2]


def test_pathlike_and_load_frombuffer(tmp_path) -> None:
    path = tmp_path / "p.params"
    nd.save(path, {"w": nd.array([[1, 2, 3], [4, 5, 6]])})
    assert path.read_bytes() == GOLDEN
    assert list(nd.load(path)) == ["w"]
    assert load_frombuffer(GOLDEN)["w"].shape == (2, 3)
    with pytest.raises(MXNetError, match="<buffer> is truncated"):
        load_frombuffer(GOLDEN[:-1])
    with pytest.raises(TypeError, match="buf required to be bytes"):
        load_frombuffer("text")


# -- older records MXNet still reads ------------------------------------------------------------
def test_loads_v1_and_magic_less_legacy_records(tmp_path) -> None:
    data = np.arange(6, dtype="<f4").tobytes()
    v1 = struct.pack("<II2q", 0xF993FAC8, 2, 2, 3) + struct.pack("<iii", 1, 0, 0) + data
    legacy = struct.pack("<I2I", 2, 3, 2) + struct.pack("<iii", 2, 1, 0) + data  # from a gpu
    a, b = nd.load(write(tmp_path, file_of([v1, legacy])))
    assert a.shape == (2, 3) and b.shape == (3, 2)
    assert a.asnumpy().ravel().tolist() == list(range(6)) == b.asnumpy().ravel().tolist()


def test_loads_numpy_shape_record_and_none_arrays(tmp_path) -> None:
    scalar = struct.pack("<Iii", 0xF993FACA, 0, 0) + struct.pack("<iii", 1, 0, 1) + \
        struct.pack("<d", 2.5)
    unknown = struct.pack("<Iii", 0xF993FACA, 0, -1)
    none_v2 = struct.pack("<Iii", 0xF993FAC9, 0, 0)
    s, u, n = nd.load(write(tmp_path, file_of([scalar, unknown, none_v2])))
    assert s.shape == (1,) and s.dtype == np.float64 and s.asscalar() == 2.5
    assert u.shape == (0,) and n.shape == (0,)


def test_bfloat16_loads_as_float32(tmp_path) -> None:
    bits = np.array([0x3F80, 0xC000, 0x4049], dtype="<u2")  # 1.0, -2.0, 3.140625
    (x,) = nd.load(write(tmp_path, file_of([record((3,), 12, bits.tobytes())])))
    assert x.dtype == np.float32 and x.asnumpy().tolist() == [1.0, -2.0, 3.140625]


def test_bool_bytes_other_than_one_are_true(tmp_path) -> None:
    (x,) = nd.load(write(tmp_path, file_of([record((3,), 7, bytes([0, 1, 7]))])))
    assert x.dtype == np.bool_ and x.asnumpy().tolist() == [False, True, True]


# -- numpy files -----------------------------------------------------------------------------------
def test_loads_npz_as_dict_and_npy_as_list(tmp_path) -> None:
    np.savez(tmp_path / "a.npz", w=np.ones((2, 3), dtype=np.float16), b=np.arange(3))
    d = nd.load(str(tmp_path / "a.npz"))
    assert sorted(d) == ["b", "w"] and d["w"].dtype == np.float16 and d["b"].dtype == np.int64
    np.save(tmp_path / "s.npy", np.float64(4))
    (s,) = nd.load(str(tmp_path / "s.npy"))
    assert s.shape == (1,) and s.asscalar() == 4


def test_npz_with_object_arrays_is_refused(tmp_path, monkeypatch) -> None:
    np.savez(tmp_path / "obj.npz", x=np.array([{"a": 1}], dtype=object))
    monkeypatch.setattr(pickle, "loads", _forbidden)
    monkeypatch.setattr(pickle, "load", _forbidden)
    with pytest.raises(MXNetError, match=r"obj\.npz' is not a readable numpy file"):
        nd.load(str(tmp_path / "obj.npz"))
    np.savez(tmp_path / "str.npz", x=np.array(["text"]))
    with pytest.raises(MXNetError, match="only numeric arrays"):
        nd.load(str(tmp_path / "str.npz"))


def test_broken_npz_raises(tmp_path) -> None:
    path = write(tmp_path, b"PK\x03\x04" + b"\x00" * 20, "bad.npz")
    with pytest.raises(MXNetError, match=r"bad\.npz' is not a readable numpy file"):
        nd.load(path)


# -- damaged files ---------------------------------------------------------------------------------
def test_every_truncation_raises_a_clear_error(tmp_path) -> None:
    raw = file_of([record((2, 3), 0, bytes(24)), record((4,), 6, bytes(32))], [b"ab", b"cde"])
    assert isinstance(nd.load(write(tmp_path, raw)), dict)
    for cut in range(len(raw)):
        path = write(tmp_path, raw[:cut], f"cut{cut}.params")
        with pytest.raises(MXNetError) as info:
            nd.load(path)
        msg = str(info.value)
        assert msg.startswith(f"nd.load: '{path}' "), msg
        assert "truncated" in msg or "empty" in msg, msg


def test_truncated_data_message_names_sizes(tmp_path) -> None:
    raw = file_of([record((1,), 0, bytes(4)), record((2,), 0, bytes(8)),
                   record((1200,), 0, bytes(4800))])
    path = write(tmp_path, raw[:-(4788 + 8)], "x.params")  # 12 data bytes left, no names
    with pytest.raises(MXNetError, match=r"'.*x.params' is truncated: expected 4800 bytes of "
                                         r"float32 data for array 3 of 3, got 12"):
        nd.load(path)


def corrupt(offset: int, value: bytes) -> bytes:
    return GOLDEN[:offset] + value + GOLDEN[offset + len(value):]


@pytest.mark.parametrize("data, message", [
    (b"", "is empty, not an MXNet NDArray file"),
    (corrupt(0, b"\xff"), "is not an MXNet NDArray file: expected magic 0x112 in the first 8 "
                          "bytes, got 0x1ff"),
    (b"\x80\x04\x95" + bytes(30), "is not an MXNet NDArray file"),  # a pickle is not accepted
    (corrupt(16, struct.pack("<Q", 10 ** 15)), "declares 1000000000000000 arrays but only"),
    (corrupt(24, b"\x00\xfa\x93\xf9"), "array 1 of 1 starts with 0xf993fa00, which is neither"),
    (corrupt(32, struct.pack("<i", 10 ** 9)), "array 1 of 1 has ndim 1000000000 (expected 0"),
    (corrupt(32, struct.pack("<i", -3)), "array 1 of 1 has ndim -3"),
    (corrupt(36, struct.pack("<q", -2)), "has shape (-2, 3) with a negative dimension"),
    (corrupt(36, struct.pack("<q", 2 ** 40)), "is truncated: expected 13194139533312 bytes of "
                                              "float32 data for array 1 of 1, got"),
    (corrupt(52, struct.pack("<i", 99)), "array 1 of 1 has device type 99"),
    (corrupt(60, struct.pack("<i", 42)), "array 1 of 1 has unknown type_flag 42"),
    (corrupt(28, struct.pack("<i", 1)), "stores array 1 of 1 as a sparse 'row_sparse' array"),
    (corrupt(28, struct.pack("<i", 2)), "as a sparse 'csr' array"),
    (corrupt(28, struct.pack("<i", 9)), "array 1 of 1 has unknown storage type 9"),
    (corrupt(88, struct.pack("<Q", 2)), "has 1 arrays but 2 names (expected 0 or 1)"),
    (corrupt(96, struct.pack("<Q", 2 ** 60)), "is truncated: expected 1152921504606846976 bytes "
                                              "of name 1 of 1, got 1"),
    (corrupt(104, b"\xff"), "name 1 of 1 is not valid UTF-8"),
    (GOLDEN + b"\x00", "has 1 unexpected bytes after the last record"),
    (GOLDEN + GOLDEN, "unexpected bytes after the last record"),
])
def test_corrupt_files(tmp_path, data, message) -> None:
    path = write(tmp_path, data, "bad.params")
    with pytest.raises(MXNetError) as info:
        nd.load(path)
    assert str(info.value).startswith(f"nd.load: '{path}' ")
    assert message in str(info.value)


def test_legacy_none_record_then_garbage_is_reported(tmp_path) -> None:
    # ndim 0 in a magic-less record is MXNet's "none" array: the rest of GOLDEN is then garbage
    with pytest.raises(MXNetError, match=r"unexpected bytes|truncated|corrupt"):
        nd.load(write(tmp_path, corrupt(24, b"\x00\x00\x00\x00")))


def test_missing_file_and_directory(tmp_path) -> None:
    missing = str(tmp_path / "nope.params")
    with pytest.raises(MXNetError, match=r"nd.load: cannot open '.*nope.params': no such file"):
        nd.load(missing)
    with pytest.raises(MXNetError, match="cannot open"):
        nd.load(str(tmp_path))
    with pytest.raises(TypeError, match="fname required to be a string"):
        nd.load(3)


# -- save errors -----------------------------------------------------------------------------------
@pytest.mark.parametrize("data, exc, message", [
    ([nd.ones(1), np.ones(1)], TypeError, "save only accept dict str->NDArray or list of NDArray"),
    ({"a": 1.0}, TypeError, "save only accept dict"),
    ({1: nd.ones(1)}, TypeError, "save only accept dict"),
    (np.ones(3), ValueError, "data needs to either be a NDArray"),
    ([NDArray(np.array([1j]))], MXNetError, "cannot save array 0 of dtype complex128"),
])
def test_save_rejects_bad_data_without_writing(tmp_path, data, exc, message) -> None:
    path = tmp_path / "never.params"
    with pytest.raises(exc, match=message):
        nd.save(str(path), data)
    assert not path.exists()
    with pytest.raises(TypeError, match="fname required to be a string"):
        nd.save(None, nd.ones(1))


# -- no pickle, ever -------------------------------------------------------------------------------
def _forbidden(*args, **kwargs):
    raise AssertionError("pickle must not be used")


def test_source_never_imports_or_calls_pickle() -> None:
    source = pathlib.Path(serialization.__file__).read_text()
    tree = ast.parse(source)
    banned = {"pickle", "cPickle", "_pickle", "dill", "joblib", "shelve", "marshal"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert not {a.name.split(".")[0] for a in node.names} & banned
        elif isinstance(node, ast.ImportFrom):
            assert (node.module or "").split(".")[0] not in banned
        elif isinstance(node, ast.Name):
            assert node.id not in banned
        elif isinstance(node, ast.keyword) and node.arg == "allow_pickle":
            assert isinstance(node.value, ast.Constant) and node.value.value is False


def test_loading_never_unpickles(tmp_path, monkeypatch) -> None:
    for name in ("load", "loads", "Unpickler"):
        monkeypatch.setattr(pickle, name, _forbidden)
    p = str(tmp_path / "a.params")
    nd.save(p, {"a": nd.ones((2, 2))})
    assert nd.load(p)["a"].shape == (2, 2)
    np.savez(tmp_path / "b.npz", a=np.ones(2))
    assert nd.load(str(tmp_path / "b.npz"))["a"].shape == (2,)
