"""Sphinx extension: run every public object's docstring Examples while the docs build.

The API pages show each example with the output written in its docstring. This check runs
those examples (``minigluon._examples.example_failures``: doctest with ELLIPSIS,
NORMALIZE_WHITESPACE and float32 tolerances for printed floats, the same checker as the tests;
a fresh NameManager and a seeded RNG per object) and turns every
mismatch into a Sphinx warning naming the object, the docstring line, the source file and line,
and the expected and actual output. With ``-W --keep-going`` a page that would show an output
the code no longer produces fails the build.

It checks the modules whose API pages this build writes (``minigluon_apipages.PUBLIC_MODULES``),
so a test build of one module checks only that module. ``minigluon_examplecheck = False``
turns it off.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path
from typing import Any

import minigluon_apipages
from sphinx.application import Sphinx
from sphinx.util import logging

from minigluon._api import ApiObject, public_objects, source_location
from minigluon._examples import ExampleFailure, example_failures

logger = logging.getLogger(__name__)


def setup_examplecheck(app: Sphinx) -> None:
    app.add_config_value("minigluon_examplecheck", True, "env", types=[bool])
    app.connect("builder-inited", check_examples)


def check_examples(app: Sphinx) -> None:
    if not app.config.minigluon_examplecheck:
        return
    objects = public_objects(list(minigluon_apipages.PUBLIC_MODULES))
    start = time.perf_counter()
    failed = 0
    for api in objects:
        with warnings.catch_warnings():  # an example may change the filters it tests
            failures = example_failures(api)
        for failure in failures:
            failed += 1
            logger.warning(_message(failure), location=_location(api, failure, app),
                           type="minigluon", subtype="example")
    logger.info(f"minigluon: ran the examples of {len(objects)} public objects in "
                f"{time.perf_counter() - start:.1f} s ({failed} failed)")


def _message(failure: ExampleFailure) -> str:
    return (f"{failure.name}: docstring example at docstring line {failure.line} does not "
            f"show what the code prints\n  >>> {failure.source}\n"
            f"  expected: {failure.expected}\n  got:      {failure.got}")


def _location(api: ApiObject, failure: ExampleFailure, app: Sphinx) -> str | None:
    where = source_location(api, failure.line)
    if where is None:
        return None
    path, line = Path(where[0]).resolve(), where[1]
    project = Path(app.confdir).resolve()
    # relative to the project, as Sphinx shows the pages' paths
    return f"{path.relative_to(project) if path.is_relative_to(project) else path}:{line}"


def setup(app: Sphinx) -> dict[str, Any]:
    setup_examplecheck(app)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
