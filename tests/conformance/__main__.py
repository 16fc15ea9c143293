"""``python -m tests.conformance --mxnet-python PATH``: minigluon against MXNet 1.9.1.

Writes the cases, runs the driver on minigluon (this interpreter) and on MXNet (the given
one), lets each read the other's files, compares, prints the table and writes
``report.md``/``report.json``. Exit status 1 when a difference is neither explained nor a
known gap in ``expected_differences.toml`` (or a name both libraries have has no case).
``nox -s conformance`` makes the MXNet environment and calls this.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import expected, report
from .cases import write_cases
from .compare import Side, compare_all

DRIVER = Path(__file__).with_name("driver.py")
#: Restarts allowed when a case kills the MXNet interpreter (each costs an MXNet import).
MAX_CRASHES = 40


def run_driver(python: str, args: list[str], log: Path) -> None:
    """Run the driver to the end, going on past a case that kills the interpreter.

    A case that dies is tried once more in a fresh process before it is recorded as a crash:
    MXNet can corrupt its heap in one case (negative gather_nd indices) and die in a later,
    innocent one.
    """
    tries: dict[str, int] = {}
    for _ in range(MAX_CRASHES + 1):
        proc = subprocess.run([python, str(DRIVER), *args], capture_output=True, text=True)
        if proc.returncode == 0:
            return
        current = log.with_suffix(".current")
        if not current.exists():
            raise RuntimeError(f"driver failed outside a case ({python}):\n{proc.stderr[-3000:]}")
        case_id = current.read_text()
        current.unlink()
        tries[case_id] = tries.get(case_id, 0) + 1
        if tries[case_id] < 2:
            continue
        last = (proc.stderr.strip().splitlines() or ["(no message)"])[-1]
        with log.open("a") as sink:
            sink.write(json.dumps({"id": case_id, "result": {
                "crashed": f"exit status {proc.returncode}: {last[:300]}"}}) + "\n")
    raise RuntimeError(f"the driver died more than {MAX_CRASHES} times ({python})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mxnet-python", required=True, help="python of the MXNet environment")
    parser.add_argument("--out", type=Path, default=Path("build/conformance"))
    parser.add_argument("--work", type=Path, help="keep the exchanged files here")
    args = parser.parse_args(argv)
    started = time.time()
    entries = expected.load()  # a broken file fails before minutes of work
    with tempfile.TemporaryDirectory(prefix="conformance-") as tmp:
        work = args.work or Path(tmp)
        cases_json = write_cases(work / "cases")
        mg, mx = work / "minigluon", work / "mxnet"
        common = ["--cases", str(cases_json)]
        run_driver(sys.executable, ["--library", "minigluon", "--out", str(mg), *common],
                   mg / "results.jsonl")
        run_driver(args.mxnet_python, ["--library", "mxnet", "--out", str(mx), *common,
                                       "--params-from", str(mg), "--read-from", str(mg)],
                   mx / "results.jsonl")
        run_driver(sys.executable, ["--library", "minigluon", "--out", str(mg), *common,
                                    "--read-from", str(mx), "--phase", "read"],
                   mg / "results-read.jsonl")
        cases = json.loads(cases_json.read_text())
        side_mg, side_mx = Side.load(mg), Side.load(mx)
        rows = compare_all(cases, side_mg, side_mx)
        about_mg = json.loads((mg / "about.json").read_text())
        about_mx = json.loads((mx / "about.json").read_text())
    expected.explain(rows, entries)
    stale = expected.stale(entries)
    about = {"minigluon": about_mg["version"], "minigluon_numpy": about_mg["numpy"],
             "mxnet": about_mx["version"], "mxnet_numpy": about_mx["numpy"],
             "seconds": round(time.time() - started, 1)}
    report.write(args.out, rows, stale, about)
    print(report.text_table(rows))
    bad = report.failing(rows)
    for row in bad:
        print(f"UNEXPLAINED {row.id}: " + "; ".join(f"{d.aspect}: {d.detail}" for d in row.diffs))
        for lib, message in row.messages.items():
            print(f"    {lib}: {message[:300]}")
    for entry in stale:
        print(f"stale entry in expected_differences.toml (matched nothing): {entry.case}")
    print(f"report: {args.out / 'report.md'} ({about['seconds']} s)")
    if bad:
        print(f"{len(bad)} unexplained differences from MXNet 1.9.1: fix them, or list them "
              "with a reason in tests/conformance/expected_differences.toml")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
