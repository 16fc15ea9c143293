"""Who may use a docs server that runs code: its owner, proven as Jupyter Server proves it.

The server makes a secret per run and shows it only to the person who started it: in the URL
it prints (``http://127.0.0.1:8000/?token=...``) and in a runtime file that only its user can
read. Opening that URL trades the secret for a session cookie (HttpOnly, SameSite=Strict,
signed with a key that also lives only in the server's memory) and redirects to the page
without the secret. From then on the browser sends the cookie with every request, and the
pages' script sends an XSRF value in a header with every POST (double submit: tornado
compares it with the XSRF cookie, in constant time). Cookie names carry the port, because
browsers share cookies between the ports of one host.

Another account on the machine cannot read the terminal, the runtime file or the browser's
cookies, so it gets 403 for every page and every API, and no request of a page it serves
(another site, another port) can carry the owner's cookie (SameSite=Strict) or read the
XSRF cookie.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Owner", "SECRET_PARAM", "runtime_dir"]

#: The query parameter of the printed URL that carries the secret (Jupyter's name).
SECRET_PARAM = "token"
#: How long a session cookie stays valid, in days (it is signed with a key of this run only).
SESSION_DAYS = 7


def runtime_dir() -> Path:
    """Where the servers' runtime files go: ``$XDG_RUNTIME_DIR/minigluon`` (a per-user tmpfs
    on most Linux desktops), else ``~/.local/share/minigluon/runtime``, as Jupyter's."""
    base = os.environ.get("XDG_RUNTIME_DIR")
    if base and Path(base).is_dir():
        return Path(base) / "minigluon"
    return Path.home() / ".local" / "share" / "minigluon" / "runtime"


@dataclass
class Owner:
    """The secrets of one run of a server on ``port``, and the names of its cookies."""

    port: int
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    cookie_key: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)

    @property
    def session_cookie(self) -> str:
        return f"minigluon-session-{self.port}"

    @property
    def xsrf_cookie(self) -> str:
        return f"minigluon-xsrf-{self.port}"

    def accepts(self, secret: str | None) -> bool:
        """Whether ``secret`` is this run's (compared in constant time)."""
        return secret is not None and hmac.compare_digest(secret.encode("utf-8", "replace"),
                                                          self.secret.encode("ascii"))

    def login_url(self, base: str) -> str:
        """``base`` (the server's root URL) with the secret: what the server prints."""
        return f"{base}?{SECRET_PARAM}={self.secret}"

    def write_runtime_file(self, base: str, folder: Path | None = None) -> Path:
        """Write the login URL to a JSON file readable by this user only; its path.

        The folder is made private (0700) and the file is created 0600 before anything is
        written to it, so there is no moment when another account could read it.
        """
        folder = folder or runtime_dir()
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)
        path = folder / f"docs-server-{self.port}.json"
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".docs-server-")  # mode 0600
        with os.fdopen(fd, "w") as f:
            json.dump({"url": self.login_url(base), "port": self.port, "pid": os.getpid()}, f)
        os.replace(tmp, path)
        return path
