"""The outputs of one live-code run: Jupyter messages turned into JSON items, under a byte cap.

Each item is a dict with a ``type``:

- ``stream``: ``name`` (``stdout``/``stderr``) and ``text`` (consecutive writes merged);
- ``text``: ``text``, the ``text/plain`` of a result or a display (HTML is never passed on);
- ``image``: ``mime`` (``image/png``) and ``data``, base64 checked to decode to a PNG;
- ``error``: ``ename``, ``evalue`` and ``traceback`` (plain text, ANSI codes removed);
- ``notice``: ``text`` from the kernel pool itself (time limit, output cap, kernel died).

Text counts against the cap as UTF-8, images as their base64; the item that crosses the cap is
cut there (an image is dropped whole) and everything after it is dropped. The cap also bounds
what the kernel *sent*: every output message counts (a ``clear_output``, an
``update_display_data``, each part of a display's data), including output that a later
``clear_output`` removed, so that a cell printing and clearing in a loop is stopped too. Notices
are never capped: they say why output is missing.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

__all__ = ["RunOutputs", "sent_size", "png_base64", "strip_ansi", "OUTPUT_MESSAGES"]

#: The IOPub messages that carry output.
OUTPUT_MESSAGES = frozenset({"stream", "display_data", "update_display_data", "execute_result",
                             "error", "clear_output"})
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def strip_ansi(text: str) -> str:
    """``text`` without terminal colour codes (IPython colours its tracebacks)."""
    return _ANSI.sub("", text)


def png_base64(value: Any) -> str | None:
    """``value`` if it is base64 of a PNG image, else None (kernel output is not trusted)."""
    if not isinstance(value, str):
        return None
    data = "".join(value.split())  # base64 from a kernel may be wrapped in lines
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return None
    return data if raw.startswith(_PNG_SIGNATURE) else None


def sent_size(kind: str, content: dict[str, Any]) -> int:
    """Bytes of output in an IOPub message: the measure the cap applies to what a kernel sent.
    Text and base64 count as kept items do (so output never cleared reaches the cap on both
    counts at once); anything else as its JSON."""
    if kind not in OUTPUT_MESSAGES:
        return 0
    if kind == "stream":
        return _size(content.get("text", ""))
    if kind == "error":
        return sum(_size(content.get(key, "")) for key in ("ename", "evalue", "traceback"))
    if kind == "clear_output":
        return _size(content)
    return sum(_size(value) for value in (content.get("data") or {}).values())


def _size(value: Any) -> int:
    if isinstance(value, str):
        return len(value.encode("utf-8", "replace"))
    if isinstance(value, list):
        return sum(_size(v) for v in value)
    return len(json.dumps(value, default=str))


class RunOutputs:
    """Output items of one run, stopped at ``cap`` bytes kept or sent; ``full`` once the cap
    was hit."""

    def __init__(self, cap: int) -> None:
        self.items: list[dict[str, str]] = []
        self.cap = cap
        self.size = 0  # bytes kept
        self.sent = 0  # bytes the kernel sent
        self.full = False
        self._clear_pending = False

    def add_message(self, kind: str, content: dict[str, Any]) -> None:
        """Record an IOPub message of type ``kind`` (others than outputs are ignored)."""
        self._keep(kind, content)
        # counted after keeping: the message that crosses the cap is kept up to it
        self.sent += sent_size(kind, content)
        if self.sent > self.cap:
            self.full = True

    def _keep(self, kind: str, content: dict[str, Any]) -> None:
        if kind == "stream":
            self.add_text("stream", str(content.get("text", "")),
                          name=str(content.get("name", "stdout")))
        elif kind in ("execute_result", "display_data"):
            data = content.get("data") or {}
            png = png_base64(data.get("image/png"))
            if png is not None:
                self.add_image(png)
            elif "text/plain" in data:
                self.add_text("text", str(data["text/plain"]))
        elif kind == "error":
            tb = strip_ansi("\n".join(str(line) for line in content.get("traceback") or []))
            ename, evalue = str(content.get("ename", "")), str(content.get("evalue", ""))
            self.add_text("error", tb.strip() or f"{ename}: {evalue}", ename=ename,
                          evalue=evalue)
        elif kind == "clear_output":
            if content.get("wait"):  # clear when the next output arrives, as Jupyter does
                self._clear_pending = True
            else:
                self.items, self.size = [], 0

    def add_text(self, kind: str, text: str, **fields: str) -> None:
        """A ``stream``, ``text`` or ``error`` item (the error's text is its traceback)."""
        data = text.encode("utf-8", "replace")
        n = self._room(len(data))
        if self.full and n == 0:
            return
        text = data[:n].decode("utf-8", "ignore") if n < len(data) else text
        self.size += n
        last = self.items[-1] if self.items else None
        if (kind == "stream" and last is not None and last["type"] == "stream"
                and last["name"] == fields.get("name")):
            last["text"] += text
        elif kind == "error":
            self.items.append({"type": "error", **fields, "traceback": text})
        elif text or kind != "stream":
            self.items.append({"type": kind, **fields, "text": text})

    def add_image(self, data: str) -> None:
        if self._room(len(data)) < len(data):
            return  # a cut image is no image
        self.size += len(data)
        self.items.append({"type": "image", "mime": "image/png", "data": data})

    def notice(self, text: str) -> None:
        self.items.append({"type": "notice", "text": text})

    def _room(self, nbytes: int) -> int:
        """How many of ``nbytes`` fit; marks the outputs full when not all do."""
        if self.full:
            return 0
        if self._clear_pending:
            self.items, self.size, self._clear_pending = [], 0, False
        room = self.cap - self.size
        if nbytes > room:
            self.full = True
        return min(nbytes, room)
