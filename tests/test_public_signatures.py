"""A public API page never shows a private name in a signature: a reader cannot look up,
import or pass what it names (``-> _RecordingStateScope``, ``**_unread``)."""

from __future__ import annotations

import inspect
import re

from minigluon._api import public_objects

PRIVATE = re.compile(r"(?<![\w.])_[A-Za-z]\w*")


def test_no_public_signature_names_a_private_object():
    leaks = {}
    for api in public_objects():
        if api.kind not in ("class", "function", "method"):
            continue
        try:
            signature = str(inspect.signature(api.obj))
        except (TypeError, ValueError):  # builtins without a signature
            continue
        names = PRIVATE.findall(signature)
        if names:
            leaks[api.name] = names
    assert leaks == {}
