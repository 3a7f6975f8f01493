"""Benchmark of the tally engine on synthetic city-sized elections.

    .venv/bin/python bench/bench_tally.py [--pabutools] [--repeat N]

Two elections are generated with a fixed seed (so every run times the same input):

* "city-90k": 90,000 approval ballots over 160 projects; ballots of 1-10 projects, mostly
  small and often repeated (popular projects, 40 clusters of shared interests);
* "city-62k": 61,668 ballots over 83 projects; longer ballots, mostly distinct;
* "town-6k": 6,586 ballots over 64 projects (a town's green budget; the size Ortaq mostly serves).

Times greedy, MES, MES + Add1 + greedy (and, with ``--pabutools``, pabutools 1.2.3's greedy and
MES with ``Cost_Sat`` on the same input, checking that the selections agree) and prints a table.
"""
from __future__ import annotations

import argparse
import random
from itertools import accumulate
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from civic.contests.tally.engine import tally  # noqa: E402
from civic.contests.tally.model import Election  # noqa: E402


def synthetic_election(seed: int, n_voters: int, n_projects: int, n_clusters: int,
                       size_weights: list[float], loyalty: float, budget_share: float) -> Election:
    """A plausible participatory-budgeting election (costs in tenge).

    Costs are log-normal (about 1M-100M tenge) and a project's popularity is heavy-tailed.
    Voters fall into ``n_clusters`` clusters of shared interests (a neighbourhood, parents of
    one school, cyclists, ...), each with 4-12 favourite projects; a voter draws a ballot size
    from ``size_weights`` (sizes 1, 2, ...) and picks each project from the cluster's favourites
    with probability ``loyalty``, otherwise from all projects by popularity. The budget is
    ``budget_share`` of the total cost of all projects.
    """
    rng = random.Random(seed)
    ids = [f"P{i + 1:03d}" for i in range(n_projects)]
    costs = {pid: int(rng.lognormvariate(16.0, 0.8)) // 10_000 * 10_000 + 500_000 for pid in ids}
    popularity = [rng.paretovariate(1.2) for _ in ids]
    all_cw = list(accumulate(popularity))
    clusters = []
    for _ in range(n_clusters):
        favourites = sorted({rng.choices(ids, cum_weights=all_cw)[0] for _ in range(rng.randint(4, 12))})
        clusters.append((favourites, list(accumulate(rng.paretovariate(1.0) for _ in favourites))))
    cluster_weights = [rng.paretovariate(1.0) for _ in range(n_clusters)]
    budget = int(sum(costs.values()) * budget_share) // 1_000_000 * 1_000_000
    sizes = list(range(1, len(size_weights) + 1))
    ballots = []
    for c, size in zip(rng.choices(range(n_clusters), cluster_weights, k=n_voters),
                       rng.choices(sizes, size_weights, k=n_voters)):
        favourites, fav_cw = clusters[c]
        chosen: set[str] = set()
        for _attempt in range(4 * size):
            if len(chosen) >= size:
                break
            if rng.random() < loyalty:
                chosen.add(rng.choices(favourites, cum_weights=fav_cw)[0])
            else:
                chosen.add(rng.choices(ids, cum_weights=all_cw)[0])
        ballots.append(chosen)
    return Election.from_ballots(budget, costs, ballots)


def city_90k() -> Election:
    return synthetic_election(2026, 90_000, 160, 40, [22, 18, 16, 12, 10, 8, 6, 4, 2, 2], 0.8, 0.2)


def city_62k() -> Election:
    return synthetic_election(1997, 61_668, 83, 30, [2, 3, 5, 8, 10, 12, 14, 15, 16, 15], 0.5, 0.3)


def town_6k() -> Election:
    return synthetic_election(2024, 6_586, 64, 12, [10, 14, 14, 12, 10, 8, 6, 4, 2, 2], 0.7, 0.25)


def best_of(repeat: int, func):
    best, result = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def pabutools_rules(election: Election):
    from pabutools.election import ApprovalBallot, ApprovalMultiProfile, Cost_Sat, Instance, Project
    from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

    start = time.perf_counter()
    instance = Instance(budget_limit=election.budget)
    projects = {pid: Project(pid, cost) for pid, cost in election.projects.items()}
    instance.update(projects.values())
    profile = ApprovalMultiProfile(instance=instance)
    for approved, count in election.ballots:
        ballot = ApprovalBallot([projects[pid] for pid in approved]).frozen()
        profile[ballot] = count
    build = time.perf_counter() - start

    def greedy_run():
        chosen = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
        return [p.name for p in chosen]

    def mes_run():
        return [p.name for p in method_of_equal_shares(instance, profile, sat_class=Cost_Sat)]

    return build, greedy_run, mes_run


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pabutools", action="store_true", help="also time pabutools 1.2.3")
    parser.add_argument("--repeat", type=int, default=3, help="best of N (default 3; Add1 once)")
    parser.add_argument("--no-add1", action="store_true", help="skip the (slow) Add1 completion")
    parser.add_argument("--only", choices=["city-90k", "city-62k", "town-6k"], help="one election only")
    args = parser.parse_args(argv)
    print(f"{'election':<10} {'rule':<18} {'seconds':>9} {'funded':>7} {'cost (tenge)':>16}  note", flush=True)

    def row(name, rule, t, count, total, note=""):
        total_text = f"{total:,}" if total is not None else ""
        print(f"{name:<10} {rule:<18} {t:>9.3f} {count:>7} {total_text:>16}  {note}", flush=True)

    for name, make in (("city-90k", city_90k), ("city-62k", city_62k), ("town-6k", town_6k)):
        if args.only and args.only != name:
            continue
        start = time.perf_counter()
        election = make()
        gen = time.perf_counter() - start
        row(name, "(generate)", gen, len(election.projects), election.budget,
            f"{election.n_voters:,} ballots, {len(election.ballots):,} distinct; cost column: budget")
        t, g = best_of(args.repeat, lambda: tally(election, rule="greedy"))
        row(name, "greedy", t, len(g.selected), g.total_cost)
        t, mes = best_of(args.repeat, lambda: tally(election, rule="mes"))
        row(name, "mes", t, len(mes.selected), mes.total_cost, "1 run")
        if not args.no_add1:
            t, a = best_of(1, lambda: tally(election, rule="mes", completion="add1-greedy"))
            row(name, "mes+add1-greedy", t, len(a.selected), a.total_cost,
                f"{a.mes_runs} MES runs; per-voter budget {float(mes.mes_voter_budget):,.1f} -> "
                f"{float(a.mes_voter_budget):,.0f}")
        if args.pabutools:
            build, greedy_run, mes_run = pabutools_rules(election)
            t, chosen = best_of(1, greedy_run)
            voted = {p for p, v in g.votes.items() if v}
            agree = [p for p in chosen if p in voted] == list(g.selected)
            row(name, "pabutools greedy", t, len(chosen), None,
                f"profile built in {build:.2f} s; {'same selection' if agree else 'DIFFERENT'}")
            t, chosen = best_of(1, mes_run)
            agree = chosen == list(mes.selected)
            row(name, "pabutools mes", t, len(chosen), None, "same selection" if agree else "DIFFERENT")
    return 0


if __name__ == "__main__":
    sys.exit(main())
