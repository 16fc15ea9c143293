"""The kernel-side recorder (docs/_ext/minigluon_usage/recorder.py) in an IPython shell.

Recording rewires minigluon for the whole process, so the cells run in a fresh Python process
with an in-process IPython shell, as in a docs kernel: one session (starting Python, IPython and
minigluon takes seconds) in which each test looks at its own cells.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
RECORDER = ROOT / "docs" / "_ext" / "minigluon_usage" / "recorder.py"

_RUNNER = """
import importlib.util, json, sys
from IPython.core.interactiveshell import InteractiveShell

spec = importlib.util.spec_from_file_location("recorder", sys.argv[1])
recorder = importlib.util.module_from_spec(spec)
spec.loader.exec_module(recorder)
shell = InteractiveShell.instance()
recorder.install(shell, sys.argv[2])
for cell in json.loads(sys.stdin.read()):
    result = shell.run_cell(cell, store_history=True)
    if not result.success:
        raise SystemExit(f"cell failed: {result.error_in_exec or result.error_before_exec}")
"""

CELLS = {
    "imports": """
        import json
        import minigluon as mx
        from minigluon import autograd, gluon, nd
        from minigluon.gluon import nn
        """,
    "direct": """
        x = nd.ones((2, 3))
        x.attach_grad()
        with autograd.record():
            y = (x * 2).sum()
        y.backward()
        g = x.grad
        seq = nn.HybridSequential()
        """,
    "internal": """
        dense = nn.Dense(4)
        dense.initialize()
        out = dense(nd.ones((2, 3)))
        """,
    "define": """
        class Net(gluon.HybridBlock):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.dense = nn.Dense(3)

            def hybrid_forward(self, F, x):
                return F.relu(self.dense(x))
        """,
    "use": """
        net = Net()
        net.initialize()
        out = net(nd.ones((1, 2)))
        """,
    "subclass": """
        class Scale(gluon.HybridBlock):
            def hybrid_forward(self, F, x):
                return x * 2

        class Both(Scale, gluon.loss.L2Loss):
            pass
        """,
    "construct": "scale = Scale()",
    "fast": """
        from minigluon.gluon.hybrid import CACHE_FORWARDS
        fast_net = nn.HybridSequential()
        fast_net.add(nn.Dense(2))
        fast_net.initialize()
        fast_net.hybridize()
        fast_net(nd.ones((1, 3)))
        with open("fast.json", "w") as f:
            json.dump({"forward_known": gluon.HybridBlock.forward in CACHE_FORWARDS,
                       "entries": len(fast_net._cache.fast)}, f)
        """,
    "tutorial": """
        from minigluon.gluon.model_zoo import ssd
        flat = ssd.flatten_prediction(nd.zeros((1, 2, 3, 3)))
        """,
    "inspect": """
        from tests.docs.test_usage_recorder import inspected
        with open("inspected.json", "w") as f:
            json.dump(inspected(), f)
        """,
    "blame": """
        import sys, warnings
        class Holder(gluon.Block):
            def __init__(self):
                super().__init__()
                self.layers = [nn.Dense(1)]          # warns here (stacklevel=2)

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            holder = Holder()
            holder.collect_params()                  # and here (stacklevel=3)
        try:
            nn.HybridSequential().add(nn.Lambda(lambda x: x))
        except ValueError:
            tb = get_ipython().InteractiveTB
            shown = tb.stb2text(tb.structured_traceback(*sys.exc_info()))
        with open("blame.json", "w") as f:
            json.dump({"warnings": [[w.filename, w.lineno] for w in caught],
                       "traceback": shown}, f)
        """,
}
NUMBER = {key: i + 1 for i, key in enumerate(CELLS)}  # execution counts


def inspected() -> list[Any]:
    """What code that inspects the API sees (the "Searching" page indexes it in a kernel)."""
    import inspect

    import minigluon as mx
    from minigluon import nd
    from minigluon._api import public_objects
    from search.collect import api_record

    names = [o.name for o in public_objects()]
    records = [api_record(name, kind, "u.html").to_dict() for name, kind in [
        ("minigluon.autograd.backward", "function"), ("minigluon.ndarray.reshape", "function"),
        ("minigluon.gluon.Block.load_parameters", "method"),
        ("minigluon.gluon.nn.Dense", "class"), ("minigluon.ndarray.NDArray.shape", "property")]]
    same = [mx.cpu is mx.context.cpu, nd.relu is mx.ndarray.relu]
    return [names, records, same, str(inspect.signature(nd.reshape)), nd.relu.__doc__]


@pytest.fixture(scope="module")
def session(tmp_path_factory) -> tuple[dict[int, list[str]], Path]:
    """The recording of CELLS run in one shell, and the directory it ran in."""
    tmp = tmp_path_factory.mktemp("recorder")
    target = tmp / "usage.json"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
           "IPYTHONDIR": str(tmp / "ipython")}
    proc = subprocess.run(
        [sys.executable, "-c", _RUNNER, str(RECORDER), str(target)],
        input=json.dumps([textwrap.dedent(c) for c in CELLS.values()]), text=True,
        capture_output=True, env=env, cwd=tmp, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads(target.read_text())
    assert data["format"] == 1 and data["recorder"]
    return {int(k): v for k, v in data["cells"].items()}, tmp


def used(session: tuple[dict[int, list[str]], Path], key: str) -> set[str]:
    return set(session[0].get(NUMBER[key], []))


def test_direct_calls_methods_properties_and_constructors(session):
    assert used(session, "imports") == set()
    assert used(session, "direct") == {
        "minigluon.ndarray.ones", "minigluon.ndarray.NDArray.attach_grad",
        "minigluon.autograd.record", "minigluon.ndarray.NDArray.sum",
        "minigluon.ndarray.NDArray.backward", "minigluon.ndarray.NDArray.grad",
        "minigluon.gluon.nn.HybridSequential"}


def test_calls_minigluon_makes_internally_are_not_the_pages(session):
    # Dense runs FullyConnected, creates Parameters and NDArrays: none of that is the cell's
    assert used(session, "internal") == {"minigluon.gluon.nn.Dense",
                                         "minigluon.gluon.Block.initialize",
                                         "minigluon.ndarray.ones"}


def test_code_defined_in_a_cell_counts_for_that_cell(session):
    # The class statement uses HybridBlock; its methods' calls happen while a later cell
    # runs, but the defining cell is where a reader sees them.
    assert used(session, "define") == {"minigluon.gluon.HybridBlock",
                                       "minigluon.gluon.nn.Dense", "minigluon.ndarray.relu"}
    assert used(session, "use") == {"minigluon.gluon.Block.initialize",
                                    "minigluon.ndarray.ones"}


def test_a_class_of_the_page_counts_as_its_nearest_public_ancestors(session):
    assert used(session, "subclass") == {"minigluon.gluon.HybridBlock",
                                         "minigluon.gluon.loss.L2Loss"}
    assert used(session, "construct") == {"minigluon.gluon.HybridBlock"}


def test_a_hybridized_block_keeps_its_fast_path_under_the_recorder(session):
    # the recorder wraps HybridBlock.forward; the wrapper must still count as the forward
    # that just runs the cache, or docs pages time the slow path
    fast = json.loads((session[1] / "fast.json").read_text())
    assert fast == {"forward_known": True, "entries": 1}


def test_what_the_tutorial_functions_call_counts_for_the_cell_calling_them(session):
    # model_zoo/ssd.py is the SSD guide's code kept in the library (TUTORIAL_MODULES)
    assert used(session, "tutorial") == {
        "minigluon.gluon.model_zoo.ssd.flatten_prediction", "minigluon.ndarray.zeros",
        "minigluon.ndarray.transpose", "minigluon.ndarray.flatten"}
    # ... and only those: Dense's internal FullyConnected is still not the page's
    assert "minigluon.ndarray.FullyConnected" not in used(session, "internal")


def test_the_wrapped_api_looks_the_same_to_code_that_inspects_it(session):
    recorded = json.loads((session[1] / "inspected.json").read_text())
    assert recorded == json.loads(json.dumps(inspected()))
    assert recorded[2] == [True, True]  # re-exports are still one object


def test_the_recorder_takes_no_blame(session):
    """A warning names the cell's line, not a wrapper's; a traceback shows no wrapper frame."""
    blame = json.loads((session[1] / "blame.json").read_text())
    cell = blame["warnings"][0][0]
    assert cell.startswith("<ipython-input-") and blame["warnings"] == [[cell, 5], [cell, 10]]
    assert "Children of HybridBlock must also be HybridBlock" in blame["traceback"]
    assert "recorder.py" not in blame["traceback"]
    assert "HybridSequential.add" in blame["traceback"]  # minigluon's own frames stay
    assert used(session, "blame") >= {"minigluon.gluon.Block.collect_params",
                                      "minigluon.gluon.nn.HybridSequential.add"}


def test_a_failing_recorder_is_reported_not_silent(tmp_path):
    pytest.importorskip("sphinx")
    sys.path.insert(0, str(ROOT / "docs" / "_ext"))
    from minigluon_usage.recording import _STARTUP

    # the startup file writes the error where the recording should be
    startup = _STARTUP.format(path=str(tmp_path / "missing-recorder.py"))
    target = tmp_path / "usage.json"
    env = {**os.environ, "MINIGLUON_USAGE_FILE": str(target)}
    proc = subprocess.run([sys.executable, "-c", "get_ipython = lambda: None\n" + startup],
                          env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "missing-recorder.py" in json.loads(target.read_text())["error"]
