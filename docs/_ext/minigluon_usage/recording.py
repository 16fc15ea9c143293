"""Recording which public objects a guide page's cells call, and keeping it with the cache.

A kernel records when ``MINIGLUON_USAGE_FILE`` is set at its launch (kernels inherit
``os.environ``): the startup file written into the kernels' IPython profile then loads
:mod:`.recorder`. ``source-read`` fires for a page just before myst-nb parses and executes it,
so that is where the variable is set, to the page's recording file.

A recording lives next to the executed outputs it belongs to: in the jupyter-cache directory
(whose path conf.py keys by the library sources), named by jupyter-cache's own hash of the
notebook (its code cells), so outputs and recording are reused and invalidated together:

- clean clone: nothing cached, every page runs and records;
- cached page: its outputs come from the cache and its recording from the file with the same
  notebook hash;
- a cached page *without* a valid recording (made by an older recorder, or deleted): its cache
  entry is dropped before myst-nb looks for it, so the page runs again and records.

A page whose execution ran but left no recording fails the build (with -W): the recorder did
not run in its kernel, and the "Used in" lists would silently lose the page.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path, PurePosixPath
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

from .recorder import FORMAT, recorder_version

__all__ = ["ENV_VAR", "STARTUP_FILE", "setup_recording", "take_recording", "recording_dir"]

logger = logging.getLogger(__name__)

#: The kernels' signal to record, and where to write.
ENV_VAR = "MINIGLUON_USAGE_FILE"
#: Name of the startup file in ``$IPYTHONDIR/profile_default/startup``.
STARTUP_FILE = "50-minigluon-usage.py"
_RECORDINGS = "minigluon-usage"  # subdirectory of the jupyter cache

# docname -> its recording file, from source-read to doctree-read (same process, also with -j)
_targets: dict[str, Path] = {}

_STARTUP = '''\
# Written by the Sphinx extension minigluon_usage for each docs build; edits are overwritten.
# When MINIGLUON_USAGE_FILE is set, records which public minigluon objects each cell calls.
def _minigluon_usage():
    import os
    target = os.environ.get("MINIGLUON_USAGE_FILE")
    if not target:
        return
    try:
        import importlib.util
        spec = importlib.util.spec_from_file_location("_minigluon_usage_recorder", {path!r})
        recorder = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(recorder)
        recorder.install(get_ipython(), target)
    except Exception:  # the build reports it (a missing recording fails the build)
        import json
        import traceback
        with open(target, "w", encoding="utf-8") as f:
            json.dump({{"error": traceback.format_exc()}}, f)


_minigluon_usage()
del _minigluon_usage
'''


def setup_recording(app: Sphinx) -> None:
    app.connect("builder-inited", write_startup_file)
    app.connect("source-read", prepare_recording)
    app.connect("build-finished", prune_recordings)


def write_startup_file(app: Sphinx) -> None:
    if not app.config.minigluon_usage_enabled:
        return
    ipython_dir = os.environ.get("IPYTHONDIR")
    if not ipython_dir:
        # Without a profile of our own, the startup file would go into ~/.ipython.
        logger.warning("minigluon_usage: IPYTHONDIR is not set, so the guide pages' kernels "
                       "cannot record API usage; set it to a build-local directory in conf.py")
        app.config.minigluon_usage_enabled = False
        return
    startup = Path(ipython_dir) / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    text = _STARTUP.format(path=str(Path(__file__).with_name("recorder.py")))
    target = startup / STARTUP_FILE
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        tmp = startup / f".{STARTUP_FILE}.{os.getpid()}"  # a parallel test build may write too
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)


def recording_dir(app: Sphinx) -> Path:
    return Path(app.env.mystnb_config.execution_cache_path) / _RECORDINGS


def prepare_recording(app: Sphinx, docname: str, source: list[str]) -> None:
    """Point the kernel this page is about to start at the page's recording file, and make
    sure the page runs if its cached outputs have no recording."""
    os.environ.pop(ENV_VAR, None)
    _targets.pop(docname, None)
    if not app.config.minigluon_usage_enabled:
        return
    notebook, mode = _notebook(app, docname, source[0])
    if notebook is None or mode == "off":
        return
    from jupyter_cache import get_cache

    cache = get_cache(app.env.mystnb_config.execution_cache_path)
    _, key = cache.create_hashed_notebook(notebook)
    target = recording_dir(app) / f"{key}.json"
    record = None
    if mode == "cache":
        try:
            record = cache.match_cache_notebook(notebook)
        except KeyError:
            record = None
    if record is not None and not _valid(target):
        logger.info("minigluon_usage: %s runs again: its cached outputs have no usage "
                    "recording", docname)
        cache.remove_cache(record.pk)
        record = None
    if record is None:
        target.unlink(missing_ok=True)  # what a failed run may have left
    _targets[docname] = target
    os.environ[ENV_VAR] = str(target)


def _notebook(app: Sphinx, docname: str, text: str) -> tuple[Any, str]:
    """The notebook myst-nb will execute for this page (None if the page is not one), and
    its execution mode, read the way myst-nb reads them."""
    from myst_nb.core.read import create_nb_reader

    env = app.env
    nb_config = env.mystnb_config
    path = str(env.doc2path(docname))
    reader = create_nb_reader(path, env.myst_config, nb_config, text)
    if reader is None:
        return None, "off"
    notebook = reader.read(text)
    if not any(c.cell_type == "code" and c.source.strip() for c in notebook.cells):
        return None, "off"  # nothing runs, nothing to record
    overrides = notebook.metadata.get(nb_config.metadata_key, {})
    mode = overrides.get("execution_mode", nb_config.execution_mode)
    posix = PurePosixPath(Path(path).as_posix())
    if any(posix.match(p) for p in nb_config.execution_excludepatterns):
        mode = "off"
    kernel = notebook.metadata.get("kernelspec", {}).get("name")
    for pattern, alias in (nb_config.kernel_rgx_aliases or {}).items():
        if kernel is not None and re.fullmatch(pattern, kernel):
            notebook.metadata["kernelspec"]["name"] = alias  # part of the cache's hash
            break
    return notebook, mode


def _valid(path: Path) -> bool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (isinstance(data, dict) and data.get("format") == FORMAT
            and data.get("recorder") == recorder_version())


def take_recording(app: Sphinx, docname: str) -> dict[int, list[str]] | None:
    """The page's recording (execution count -> object names), once it has been read and
    executed; None for a page that records nothing (not a notebook, or not executed)."""
    os.environ.pop(ENV_VAR, None)
    target = _targets.pop(docname, None)
    if target is None:
        return None
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except FileNotFoundError:
        logger.warning("minigluon_usage: %s ran without recording its API usage: the "
                       "recorder did not start in its kernel (is %s in the profile of "
                       "IPYTHONDIR?)", docname, STARTUP_FILE, location=docname)
        return None
    except ValueError as e:
        logger.warning("minigluon_usage: the usage recording of %s is unreadable (%s): %s",
                       docname, e, target, location=docname)
        return None
    if "error" in data:
        logger.warning("minigluon_usage: recording API usage failed in the kernel of %s:\n%s",
                       docname, data["error"], location=docname)
        return None
    return {int(n): names for n, names in data["cells"].items()}


def prune_recordings(app: Sphinx, exception: Exception | None) -> None:
    """Delete recordings whose outputs jupyter-cache no longer keeps (it evicts old ones)."""
    if exception is not None or not app.config.minigluon_usage_enabled:
        return
    folder = recording_dir(app)
    if not folder.is_dir() or app.env.mystnb_config.execution_mode != "cache":
        return
    from jupyter_cache import get_cache

    kept = {r.hashkey for r in get_cache(app.env.mystnb_config.execution_cache_path)
            .list_cache_records()}
    for path in folder.glob("*.json"):
        if path.stem not in kept:
            path.unlink(missing_ok=True)
