"""The same aggregation as crates/server/examples/survey_aggregation.rs,
done by pandas from the responses CSV that coprod exports: every question's
distribution, the co-production index per domain with a 95% interval, the
perception gap of "what would help most", and by SIMD quintile the
respondent counts and the index with groups under five withheld. Timed from
reading the file to the last figure. Usage: bench_surveys.py FILE.csv;
prints one JSON object of timings in seconds."""

import json
import math
import sys
import time

import pandas as pd

DOMAINS = ["community_safety", "local_environment", "health"]
MIN_CELL = 5


def mean_interval(values):
    n = len(values)
    mean = values.mean()
    half = 1.959964 * values.std(ddof=1) / math.sqrt(n) if n > 1 else float("nan")
    return n, mean, mean - half, mean + half


def main(path):
    started = time.perf_counter()
    frame = pd.read_csv(path, low_memory=False)
    read = time.perf_counter() - started

    started = time.perf_counter()
    fixed = {"audience", "channel", "area", "simd_quintile", "age_band"}
    distributions = {}
    for column in frame.columns:
        if column not in fixed:
            distributions[column] = frame.groupby("audience")[column].value_counts()

    citizens = frame[frame["audience"] == "citizens"]
    index = {}
    per_domain = {}
    for domain in DOMAINS:
        items = citizens[[f"{domain}_{n}" for n in range(1, 5)]].dropna()
        scores = items.sum(axis=1) * 100.0 / (len(items.columns) * 2)
        per_domain[domain] = scores
        index[domain] = mean_interval(scores)

    needs = [c for c in frame.columns if c.startswith("needs_most_")]
    answered = frame[needs].sum(axis=1) > 0
    shares = frame[answered].groupby("audience")[needs].mean() * 100
    ranks = shares.rank(axis=1, ascending=False, method="min")
    gap = shares.loc["citizens"] - shares.loc["staff"]
    largest = gap.abs().idxmax()

    quintile = citizens["simd_quintile"].fillna(0)  # 0: not known
    people = quintile.value_counts()
    shown = people[people >= MIN_CELL]
    by_quintile = {
        domain: scores.groupby(quintile.loc[scores.index]).agg(["count", "mean", "std"])
        for domain, scores in per_domain.items()
    }
    for table in by_quintile.values():
        table.loc[table["count"] < MIN_CELL, ["mean", "std"]] = float("nan")
    aggregate = time.perf_counter() - started

    assert len(distributions) == len(frame.columns) - len(fixed)
    assert largest in needs and len(ranks) == 2 and len(shown) > 0
    print(json.dumps({
        "responses": len(frame),
        "reading": read,
        "aggregating": aggregate,
        "total": read + aggregate,
        "health_index": index["health"][1],
    }))


if __name__ == "__main__":
    main(sys.argv[1])
