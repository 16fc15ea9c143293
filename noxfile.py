"""Sessions: tests, docs, doctest, lint, bench, serve, conformance. ``nox -s docs`` then
``nox -s tests``.

Uses uv to create environments when it is installed (several times faster), virtualenv
otherwise. Every install is pinned by ``constraints.txt`` so builds are reproducible.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import nox

ROOT = Path(__file__).parent
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["tests", "docs"]
nox.options.reuse_existing_virtualenvs = True
PYTHON = "3.11"
CONSTRAINTS = ("-c", str(ROOT / "constraints.txt"))
# uv does not compile bytecode and these machines set PYTHONDONTWRITEBYTECODE: without this
# every notebook kernel re-parses IPython and the docs build takes twice as long.
ENV = {"UV_COMPILE_BYTECODE": "1"}


def _install(session: nox.Session, extras: str) -> None:
    session.install(*CONSTRAINTS, "-e", f".[{extras}]", env=ENV)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run every test (unit, registry-driven gradient checks, docstring examples)."""
    # docs extras too: the search tests build a small Sphinx site to check the collector
    _install(session, "test,docs")
    session.run("pytest", "-q", *session.posargs, env={"OPENBLAS_NUM_THREADS": "1"})


@nox.session(python=PYTHON)
def doctest(session: nox.Session) -> None:
    """Run the Examples section of every public object's docstring."""
    _install(session, "test")
    session.run("pytest", "-q", "tests/test_api.py", *session.posargs)


#: Programs the docs build needs from the operating system, and how to install each.
SYSTEM_PROGRAMS = {
    "dot": "Graphviz's `dot` (draws the network diagrams) is not installed: "
           "`sudo apt-get install graphviz` (Debian/Ubuntu), `brew install graphviz` (macOS), "
           "`conda install -c conda-forge graphviz` (conda)",
    "node": "Node.js is not installed: the \"Searching these docs\" page runs the site's search "
            "engine under it: `sudo apt-get install nodejs` (Debian/Ubuntu), `brew install node` "
            "(macOS), `conda install -c conda-forge nodejs` (conda)",
}


def _require_programs(session: nox.Session) -> None:
    """Stop at once, in one line, when a program the build needs is missing (rather than
    minutes later inside a notebook)."""
    for program, message in SYSTEM_PROGRAMS.items():
        if shutil.which(program) is None:
            session.error(message)


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Build the executed HTML docs into build/html, strict (-W --keep-going).

    Incremental: only the pages that changed are read and written again (seconds), and a page
    that warned is read again on every build until it is fixed (docs/_ext/minigluon_warnings).
    ``nox -s docs -- --clean`` builds everything from scratch (a fresh environment, every API
    page generated again, no file left from an earlier build in build/html), as CI does.
    Executed notebook outputs stay cached either way (per library version and numeric code
    path, conf.py).
    """
    _require_programs(session)
    _install(session, "docs")
    args = list(session.posargs)
    fresh = []
    if "--clean" in args:
        args.remove("--clean")
        fresh = ["-E"]  # a fresh environment: every page read and written
        # Pages of removed documents, old images, and viewcode's source pages (written only
        # when older than their module) would otherwise outlive any build.
        # (A function given to session.run is skipped by --install-only, as the build is.)
        for generated in ["docs/api/_autosummary", "build/html", "build/doctrees",
                          "build/jupyter_execute"]:
            session.run(shutil.rmtree, ROOT / generated, True)
    # -d: the saved environment and doctrees are the build's state, not part of the site.
    # -- compat: builds before 2026-12 kept them in build/html/.doctrees (15 MB of the site);
    # remove this block when no checkout has one left.
    session.run(shutil.rmtree, ROOT / "build" / "html" / ".doctrees", True)
    # -- end compat
    session.run("sphinx-build", "-c", ".", "-W", "--keep-going", *fresh, "-b", "html",
                "-d", "build/doctrees", "docs", "build/html", *args,
                env={"PYTHONHASHSEED": "0"})


@nox.session(python=PYTHON)
def serve(session: nox.Session) -> None:
    """Serve build/html on http://127.0.0.1:8000 with its search API and live code cells
    (after ``nox -s docs``); open the link it prints (it holds the secret that logs you in).

    ``nox -s serve -- 8080`` picks the port; ``-- --help`` lists the server's options.
    """
    # the kernels run the pages' code: the library, ipykernel, matplotlib (the docs extras)
    _install(session, "docs")
    args = session.posargs
    if args and not args[0].startswith("-"):
        args = ["--port", args[0], *args[1:]]
    session.run("python", "-m", "search.server", *args)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff over the library, tests, docs extensions, search and benchmarks."""
    session.install(*CONSTRAINTS, "ruff", env=ENV)
    session.run("ruff", "check", "src", "tests", "search", "benchmarks", "docs/_ext",
                "noxfile.py", "conf.py")


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Run the library's benchmarks, print their tables, and keep the model results as history.

    Models (MLP, LeNet, ResNet blocks, TinySSD) against PyTorch CPU and the numpy floor, with
    peak memory; the Toy SSD variants; NN ops; per-op overhead (4-5 minutes on 2 shared cores).
    The model results go to ``benchmarks/results/<date>-<commit>.json`` and the change since
    the newest committed one is printed: commit the file to extend the history.
    ``nox -s bench -- models`` runs one benchmark; ``-- --note "under load"`` is kept in the
    result file. ``nox -s bench -- docs`` times docs builds (clean, no-op, one guide changed)
    in a temporary folder and prints the site's size (3-5 minutes); ``live`` and ``search``
    also run only when named, ``all`` runs everything.
    """
    # the docs benchmark runs sphinx-build and notebook kernels, the live one Jupyter kernels:
    # both need the docs extras
    docs = {"docs", "live", "all"} & set(session.posargs)
    _install(session, "bench,docs" if docs else "bench")
    # PyTorch CPU is the peer we compare with. Only the CPU wheel that lies on disk is used:
    # resolving "torch" from the index would pull a multi-GB CUDA build.
    wheels = sorted(Path(os.environ.get("MINIGLUON_TORCH_WHEELS", "/opt/wheels")).glob(
        "torch-2.13.0+cpu-*.whl"))
    if wheels:
        session.install(str(wheels[-1]), env=ENV)
    else:
        session.log("no local PyTorch CPU wheel: benchmarks run without the PyTorch column")
    session.run("python", "-m", "benchmarks", *session.posargs,
                env={"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"})


#: The oracle of ``nox -s conformance``, in an environment of its own: MXNet 1.9.1 needs
#: numpy < 1.24, which the project's numpy cannot share a process with.
MXNET_REQUIREMENTS = ("numpy==1.23.5", "mxnet==1.9.1")


def _mxnet_python(session: nox.Session) -> tuple[str | None, str]:
    """The python of a Python 3.11 venv holding MXNet 1.9.1 (made once, kept beside the
    sessions' own), or None and the reason when it cannot be made."""
    env = ROOT / ".nox" / "_mxnet-1.9.1"
    python = env / "bin" / "python"
    check = [str(python), "-c", "import mxnet; assert mxnet.__version__ == '1.9.1'"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return str(python), ""
    shutil.rmtree(env, ignore_errors=True)
    steps = [
        ("create a Python 3.11 venv", [str(Path(session.bin) / "python"), "-m", "venv", str(env)]),
        ("pip install " + " ".join(MXNET_REQUIREMENTS),
         [str(python), "-m", "pip", "install", "-q", *MXNET_REQUIREMENTS]),
        ("import mxnet", check),
    ]
    for what, command in steps:
        session.log(f"MXNet environment: {what}")
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=900)
        except (OSError, subprocess.TimeoutExpired) as exc:
            done = subprocess.CompletedProcess(command, 1, "", str(exc))
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            return None, f"could not {what}: {last}"
    return str(python), ""


@nox.session(python=PYTHON)
def conformance(session: nox.Session) -> None:
    """Compare minigluon with MXNet 1.9.1, op by op and layer by layer (tests/conformance).

    MXNet runs in its own venv (``numpy==1.23.5 mxnet==1.9.1`` from the package registry,
    made on first use); the two exchange only files. Prints a table per family, writes
    ``build/conformance/report.md`` and ``report.json``, and fails on a difference that
    ``tests/conformance/expected_differences.toml`` does not explain. When the MXNet
    environment cannot be made (no registry, no wheel for this platform) it says so in one
    line and succeeds, so the rest of CI goes on.
    """
    session.install(*CONSTRAINTS, "-e", ".", env=ENV)  # the harness needs only the library
    python, why = _mxnet_python(session)
    if python is None:
        session.skip(f"the MXNet 1.9.1 environment could not be created ({why})")
    session.run("python", "-m", "tests.conformance", "--mxnet-python", python, *session.posargs,
                env={"OPENBLAS_NUM_THREADS": "1"})
