#!/usr/bin/env python3
"""Compare `coprod pb count` with pabutools, the reference implementation.

For every pabulib file with approval ballots (vote_type approval or choose-1)
this runs pabutools' method_of_equal_shares with Cost_Sat, once plain (`mes`)
and once with voter_budget_increment=1 (`mes-add1`), and `coprod pb count
--rule mes|mes-add1 --json` on the same file, and checks that both chose the
same projects in the same order. It prints one line per file and rule and
exits with status 1 if any outcome differs.

pabutools is slow on large files (minutes), so its answers are kept in a cache
folder keyed by the file's name, size and modification time and the pabutools
version; --fresh ignores the cache.

Usage: scripts/compare-pabutools.py [--coprod BINARY] [--cache DIR] [--fresh]
           [--pabutools-only] [FILE.pb ...]

Run it with a Python that has pabutools installed (`pip install pabutools`);
scripts/bench-pb makes such a virtual environment in target/pabutools-venv
and runs this script before its speed benchmark.
"""

import argparse
import csv
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "pabulib"
RULES = ("mes", "mes-add1")


def vote_type(path: Path) -> str:
    """The META vote_type of a pabulib file, read without parsing the votes."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle, delimiter=";"):
            if row and row[0].strip().lower() == "projects":
                break
            if len(row) >= 2 and row[0].strip() == "vote_type":
                return row[1].strip()
    return ""


def pabutools_outcome(path: Path, rule: str) -> dict:
    """pabutools' selection for one file and rule, with its running time."""
    sys.path.insert(0, str(ROOT / "scripts" / "lib"))
    from pabutools_count import outcome

    return outcome(str(path), rule)


def cached_pabutools(path: Path, rule: str, cache: Path, fresh: bool) -> dict:
    from importlib.metadata import version

    stat = path.stat()
    key = f"{path.name}.{stat.st_size}.{int(stat.st_mtime)}.{rule}.{version('pabutools')}.json"
    entry = cache / key
    if entry.exists() and not fresh:
        return json.loads(entry.read_text())
    result = pabutools_outcome(path, rule)
    cache.mkdir(parents=True, exist_ok=True)
    entry.write_text(json.dumps(result))
    return result


def coprod_outcome(binary: Path, path: Path, rule: str) -> dict:
    started = time.perf_counter()
    finished = subprocess.run(
        [str(binary), "pb", "count", str(path), "--rule", rule, "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if finished.returncode != 0:
        raise RuntimeError(f"coprod failed on {path.name}: {finished.stderr.strip()}")
    result = json.loads(finished.stdout)
    result["seconds"] = seconds
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--coprod", type=Path, default=ROOT / "target" / "release" / "coprod")
    parser.add_argument("--cache", type=Path, default=ROOT / "target" / "pabutools-cache")
    parser.add_argument("--fresh", action="store_true", help="recompute pabutools' answers")
    parser.add_argument(
        "--pabutools-only", action="store_true", help="only fill the cache; do not run coprod"
    )
    args = parser.parse_args()

    files = args.files or sorted(DEFAULT_DATA.glob("*.pb"))
    files = [f for f in files if vote_type(f) in ("approval", "choose-1")]
    differences = 0
    print(f"{'file':<75} {'rule':<9} {'same':<5} {'pabutools s':>12} {'coprod s':>9}")
    for path in files:
        for rule in RULES:
            reference = cached_pabutools(path, rule, args.cache, args.fresh)
            if args.pabutools_only:
                print(f"{path.name:<75} {rule:<9} {'-':<5} {reference['seconds']:>12.2f}", flush=True)
                continue
            ours = coprod_outcome(args.coprod, path, rule)
            same = ours["selected"] == reference["selected"]
            if not same:
                differences += 1
            print(
                f"{path.name:<75} {rule:<9} {'yes' if same else 'NO':<5} "
                f"{reference['seconds']:>12.2f} {ours['seconds']:>9.3f}",
                flush=True,
            )
            if not same:
                print(f"    pabutools: {reference['selected']}")
                print(f"    coprod:    {ours['selected']}")
    if not args.pabutools_only:
        checks = len(files) * len(RULES)
        print(f"\n{checks - differences} of {checks} outcomes identical ({len(files)} files).")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
