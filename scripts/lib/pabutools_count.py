#!/usr/bin/env python3
"""Counts one pabulib file with pabutools, the reference implementation.

Usage: pabutools_count.py FILE.pb RULE, where RULE is mes, mes-add1 or
mes-add1-greedy. Prints one JSON object: {"selected": [...], "seconds": N}
with the projects in the order pabutools funded them and the seconds spent
parsing and counting (the interpreter's start and imports are not in it;
scripts/bench-pb times the whole process from outside).

The rules are pabutools' method_of_equal_shares with cost satisfaction
(Cost_Sat); mes-add1 raises the voters' budgets by one unit at a time
(voter_budget_increment=1); mes-add1-greedy then fills what is left with
greedy_utilitarian_welfare under Cost_Sat, which funds projects by their
number of approvals, as `coprod pb count --rule mes-add1-greedy` does.
"""

import json
import sys
import time

RULES = ("mes", "mes-add1", "mes-add1-greedy")


def outcome(path: str, rule: str) -> dict:
    from pabutools.election import Cost_Sat, parse_pabulib
    from pabutools.rules import (
        completion_by_rule_combination,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
    )

    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}; expected one of {', '.join(RULES)}")
    started = time.perf_counter()
    instance, profile = parse_pabulib(path)
    if rule == "mes-add1-greedy":
        funded = completion_by_rule_combination(
            instance,
            profile,
            [method_of_equal_shares, greedy_utilitarian_welfare],
            [{"sat_class": Cost_Sat, "voter_budget_increment": 1}, {"sat_class": Cost_Sat}],
        )
    else:
        increment = 1 if rule == "mes-add1" else None
        funded = method_of_equal_shares(
            instance, profile, sat_class=Cost_Sat, voter_budget_increment=increment
        )
    seconds = time.perf_counter() - started
    return {"selected": [project.name for project in funded], "seconds": seconds}


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    print(json.dumps(outcome(sys.argv[1], sys.argv[2])))
