# ruff: noqa: E501, W291  (tracebacks verbatim: IPython writes long lines and "  5 " for a blank one)
"""Trimming an IPython traceback for a guide page (docs/_ext/minigluon_errors.py): the pure
function on traceback text, with tracebacks as the docs kernels print them (no colours)."""

from __future__ import annotations

import re

import pytest
from minigluon_errors import name_cells, readable_error, relative_path

# A hybridize error as hybridize.md showed it before (abridged: 94 lines there): build paths, a
# frame of the usage recorder twice, a cell frame in the middle, the user's line in the message.
HYBRIDIZE = """\
---------------------------------------------------------------------------
AttributeError                            Traceback (most recent call last)
Cell In[6], line 8
      4         return x.reshape((batch, -1))
      5 
      6 b = ReadsShape()
      7 b.hybridize()
----> 8 b(nd.ones((2, 3, 4)))

File /work/main/src/minigluon/gluon/block.py:620, in Block.__call__(self, *args)
    618     return out
    619 if not (self._forward_pre_hooks or self._forward_hooks):
--> 620     return self.forward(*args)

File /work/main/docs/_ext/minigluon_usage/recorder.py:146, in _call_wrapper.<locals>.wrapper(*args, **kwargs)
    144 if number is not None:
    145     calls.add((number, name))
--> 146 return fn(*args, **kwargs)

File /work/main/src/minigluon/gluon/hybrid.py:145, in trace(block, args, on_output)
    143 try:
    144     with _reporting_outputs(on_output):
--> 145         out = block(*tree_unflatten(in_spec, inputs))

File /work/main/docs/_ext/minigluon_usage/recorder.py:146, in _call_wrapper.<locals>.wrapper(*args, **kwargs)
--> 146 return fn(*args, **kwargs)

Cell In[6], line 3, in ReadsShape.hybrid_forward(self, F, x)
      2     def hybrid_forward(self, F, x):
----> 3         batch = x.shape[0]
      4         return x.reshape((batch, -1))

File /work/main/src/minigluon/symbol/symbol.py:339, in Symbol.__getattr__(self, name)
    338 if name in hints:
--> 339     raise AttributeError(f"'Symbol' object has no attribute '{name}' ({hints[name]})")
    340 raise AttributeError(f"'Symbol' object has no attribute '{name}'")

AttributeError: in block (top level) (ReadsShape 'readsshape0'), while hybridizing: 'Symbol' \
object has no attribute 'shape' (use reshape codes (0, -1, -2, -3, -4), F.reshape_like or \
F.shape_array instead of reading shapes inside hybrid_forward)
  at /tmp/ipykernel_19637/1331396896.py:3: batch = x.shape[0]"""

# The same kind of error once the recorder hides its frames (IPython notes where).
HIDDEN = """\
---------------------------------------------------------------------------
ValueError                                Traceback (most recent call last)
Cell In[3], line 2
      1 hnet = nn.HybridSequential()
----> 2 hnet.add(nn.Lambda(lambda x: x * 2))

    [... skipping hidden 1 frame]

File /home/ci/minigluon/src/minigluon/gluon/nn/basic_layers.py:176, in HybridSequential.add(self, *blocks)
--> 176     super().add(*blocks)

    [... skipping hidden 1 frame]

File /home/ci/minigluon/src/minigluon/gluon/block.py:953, in HybridBlock.register_child(self, block, name)
    952 if not isinstance(block, HybridBlock):
--> 953     raise ValueError(
    954         f"Children of HybridBlock must also be HybridBlock, but {block} has type "

ValueError: Children of HybridBlock must also be HybridBlock, but Lambda(<lambda>) has type \
<class 'minigluon.gluon.nn.basic_layers.Lambda'>. If you are using Sequential, please try \
HybridSequential instead."""

CHAINED = """\
---------------------------------------------------------------------------
KeyError                                  Traceback (most recent call last)
File /opt/venv/lib/python3.11/site-packages/numpy/lib/_npyio_impl.py:250, in NpzFile.__getitem__(self, key)
--> 250     raise KeyError(f"{key} is not a file in the archive")

KeyError: 'w is not a file in the archive'

The above exception was the direct cause of the following exception:

---------------------------------------------------------------------------
MXNetError                                Traceback (most recent call last)
Cell In[4], line 1
----> 1 nd.load(path)["w"]

File /opt/venv/lib/python3.11/site-packages/minigluon/ndarray/serialization.py:88, in load(fname)
---> 88     raise MXNetError("no array 'w'") from e

MXNetError: no array 'w'
  second line of the message

  third, after a blank line"""

SYNTAX = """\
  Cell In[2], line 1
    x = = 1
        ^
SyntaxError: invalid syntax"""

ABSOLUTE = re.compile(r"(?<![\w.])/(?:[\w.+-]+/)+[\w.+-]+\.py\b")


def test_the_short_form_is_the_readers_frames_and_the_whole_message():
    error = readable_error(HYBRIDIZE, {1331396896: 6})
    assert error.ename == "AttributeError"
    assert error.short == """\
Cell In[6], line 8
      4         return x.reshape((batch, -1))
      5 
      6 b = ReadsShape()
      7 b.hybridize()
----> 8 b(nd.ones((2, 3, 4)))
    ... 2 frames in minigluon ...
Cell In[6], line 3, in ReadsShape.hybrid_forward(self, F, x)
      2     def hybrid_forward(self, F, x):
----> 3         batch = x.shape[0]
      4         return x.reshape((batch, -1))
    ... raised at minigluon/symbol/symbol.py:339, in Symbol.__getattr__

AttributeError: in block (top level) (ReadsShape 'readsshape0'), while hybridizing: 'Symbol' \
object has no attribute 'shape' (use reshape codes (0, -1, -2, -3, -4), F.reshape_like or \
F.shape_array instead of reading shapes inside hybrid_forward)
  at Cell In[6], line 3: batch = x.shape[0]"""
    assert error.message == error.short.split("\n\n", 1)[1]


def test_the_full_form_keeps_every_library_frame_with_relative_paths():
    error = readable_error(HYBRIDIZE, {1331396896: 6})
    assert not ABSOLUTE.findall(error.full) and "recorder.py" not in error.full
    headers = [line for line in error.full.splitlines() if line.startswith(("File", "Cell"))]
    assert headers == [
        "Cell In[6], line 8",
        "File minigluon/gluon/block.py:620, in Block.__call__(self, *args)",
        "File minigluon/gluon/hybrid.py:145, in trace(block, args, on_output)",
        "Cell In[6], line 3, in ReadsShape.hybrid_forward(self, F, x)",
        "File minigluon/symbol/symbol.py:339, in Symbol.__getattr__(self, name)"]
    assert "    144     with _reporting_outputs(on_output):" in error.full.splitlines()
    assert error.full.endswith(error.message)
    # 43 lines in, the 2 recorder frames (8 lines with their blank lines) out
    assert error.full_lines == len(HYBRIDIZE.splitlines()) - 8


def test_hidden_frame_notes_go_and_one_library_frame_is_named():
    error = readable_error(HIDDEN)
    assert "skipping hidden" not in error.short + error.full
    assert error.short.splitlines()[:4] == [
        "Cell In[3], line 2",
        "      1 hnet = nn.HybridSequential()",
        "----> 2 hnet.add(nn.Lambda(lambda x: x * 2))",
        "    ... 2 frames in minigluon, raised at minigluon/gluon/block.py:953, in "
        "HybridBlock.register_child"]
    assert "\n\n\n" not in error.full
    assert error.message.startswith("ValueError: Children of HybridBlock") and \
        error.message.endswith("please try HybridSequential instead.")
    assert "File minigluon/gluon/nn/basic_layers.py:176" in error.full


def test_a_chained_error_shows_the_last_one_and_keeps_the_chain_in_full():
    error = readable_error(CHAINED)
    assert error.ename == "MXNetError"
    assert error.message == ("MXNetError: no array 'w'\n  second line of the message\n\n"
                             "  third, after a blank line")
    assert error.short.startswith("Cell In[4], line 1\n----> 1 nd.load(path)[\"w\"]\n"
                                  "    ... raised at minigluon/ndarray/serialization.py:88, "
                                  "in load\n\nMXNetError")
    assert "KeyError" not in error.short
    assert "File numpy/lib/_npyio_impl.py:250, in NpzFile.__getitem__(self, key)" in error.full
    assert "The above exception was the direct cause" in error.full


def test_an_error_without_frames_is_left_alone():
    assert readable_error(SYNTAX) is None
    assert readable_error("") is None


def test_a_kernel_file_name_becomes_the_cell_it_ran():
    text = "at /tmp/ipykernel_19637/1331396896.py:3: batch"
    assert name_cells(text, {1331396896: 6}) == "at Cell In[6], line 3: batch"
    assert name_cells(text, {}) == "at a cell, line 3: batch"
    assert name_cells("/tmp/ipykernel_1/42.py:18: UserWarning: x", {42: 15}) == \
        "Cell In[15], line 18: UserWarning: x"


@pytest.mark.parametrize("path, shown", [
    ("/work/main/src/minigluon/gluon/block.py", "minigluon/gluon/block.py"),
    ("/opt/venv/lib/python3.11/site-packages/numpy/_core/fromnumeric.py",
     "numpy/_core/fromnumeric.py"),
    ("/usr/lib/python3.11/json/decoder.py", "json/decoder.py"),
    ("/home/me/minigluon/docs/_ext/minigluon_usage/recording.py",
     "docs/_ext/minigluon_usage/recording.py"),
    ("/somewhere/else/script.py", "script.py"),
])
def test_relative_path(path, shown):
    assert relative_path(path) == shown
