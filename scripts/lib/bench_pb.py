#!/usr/bin/env python3
"""Times `coprod pb count --rule mes-add1-greedy` against pabutools.

For each file, both are run as whole processes, timed from outside, the
way a person or another tool would run them: process start, reading and
parsing the file and counting are all in the time. pabutools runs once
(it takes minutes on large files) under a time limit; coprod runs
--repeats times and its median is kept. Both outcomes must be the same
projects in the same order, or the run fails.

Usage: bench_pb.py --coprod BINARY --python PYTHON [--repeats N]
           [--timeout SECONDS] [--largest N] [--smallest N] [FILE.pb ...]

Without files, it takes the --largest approval (and choose-1) files of
../shared/data/pabulib by number of voters and the --smallest ones.
Prints a Markdown table, then one JSON object per file on lines starting
with "json: ".
"""

import argparse
import csv
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "pabulib"
RULE = "mes-add1-greedy"


def meta(path: Path) -> dict:
    """The META section of a pabulib file, read without parsing the votes."""
    fields = {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle, delimiter=";"):
            if row and row[0].strip().lower() == "projects":
                break
            if len(row) >= 2:
                fields[row[0].strip()] = row[1].strip()
    return fields


def approval_files() -> list[tuple[int, Path]]:
    found = []
    for path in sorted(DATA.glob("*.pb")):
        fields = meta(path)
        if fields.get("vote_type") in ("approval", "choose-1"):
            found.append((int(fields.get("num_votes", "0")), path))
    return sorted(found, key=lambda item: (item[0], item[1].name))


def timed(command: list[str], timeout: float | None) -> tuple[float, str | None]:
    """Wall-clock seconds and standard output; None for output on a time-out."""
    started = time.perf_counter()
    try:
        finished = subprocess.run(
            command, capture_output=True, text=True, check=False, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return time.perf_counter() - started, None
    seconds = time.perf_counter() - started
    if finished.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {finished.stderr.strip()}")
    return seconds, finished.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--coprod", type=Path, required=True)
    parser.add_argument("--python", required=True, help="a Python with pabutools")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--largest", type=int, default=4)
    parser.add_argument("--smallest", type=int, default=2)
    args = parser.parse_args()

    files = args.files
    if not files:
        ranked = approval_files()
        chosen = ranked[-args.largest :] if args.largest else []
        chosen = ranked[: args.smallest] + [item for item in chosen if item not in ranked[: args.smallest]]
        files = [path for _, path in reversed(chosen)]
    counter = str(ROOT / "scripts" / "lib" / "pabutools_count.py")

    print("| file | voters | projects | pabutools s | coprod s (median) | pabutools ÷ coprod | same outcome |")
    print("|---|--:|--:|--:|--:|--:|---|")
    mismatches = 0
    for path in files:
        fields = meta(path)
        ours_times = []
        ours = None
        for _ in range(args.repeats):
            seconds, output = timed(
                [str(args.coprod), "pb", "count", str(path), "--rule", RULE, "--json"], None
            )
            ours_times.append(seconds)
            ours = json.loads(output or "{}")
        ours_seconds = statistics.median(ours_times)
        theirs_seconds, output = timed([args.python, counter, str(path), RULE], args.timeout)
        if output is None:
            same = "not known (pabutools timed out)"
            ratio = f"≥ {theirs_seconds / ours_seconds:,.0f}"
        else:
            theirs = json.loads(output)
            matched = theirs["selected"] == ours["selected"]
            mismatches += not matched
            same = "yes" if matched else "NO"
            ratio = f"{theirs_seconds / ours_seconds:,.0f}"
        limit = "> " if output is None else ""
        print(
            f"| {path.stem} | {int(fields.get('num_votes', 0)):,} | {fields.get('num_projects', '?')} "
            f"| {limit}{theirs_seconds:,.1f} | {ours_seconds:.4f} | {ratio} | {same} |",
            flush=True,
        )
        record = {
            "file": path.name,
            "pabutools_s": theirs_seconds,
            "pabutools_timed_out": output is None,
            "coprod_s": ours_seconds,
            "coprod_runs_s": ours_times,
            "same": same,
        }
        print("json: " + json.dumps(record), file=sys.stderr, flush=True)
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
