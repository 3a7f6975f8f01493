"""Command line: ``python -m civic.contests.tally FILE.pb --rule greedy|mes ...``.

Prints the selected project ids, one per line, in selection order. The lead's ``flask contests
tally`` command calls :func:`main` with the same arguments.
"""
from __future__ import annotations

import argparse
import sys
from fractions import Fraction

from civic.contests.tally.engine import COMPLETIONS, RULES, tally


def build_parser(prog: str = "tally") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Count a pabulib .pb approval election.")
    parser.add_argument("file", metavar="FILE.pb", help="pabulib file with approval ballots")
    parser.add_argument("--rule", choices=RULES, required=True, help="greedy by votes, or equal shares")
    parser.add_argument("--completion", choices=COMPLETIONS, default="none",
                        help="MES only: none (default), add1, or add1-greedy")
    parser.add_argument("--compare", action="store_true",
                        help="MES only: keep the greedy outcome if a majority of voters prefers it")
    parser.add_argument("--min-support", type=int, default=0, metavar="PCT",
                        help="exclude projects approved by fewer than PCT%% of ballots (default 0)")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="also print a summary and each project's reason code to stderr")
    return parser


def main(argv: list[str] | None = None, prog: str = "tally") -> int:
    from civic.contests.pabulib import read_pb

    args = build_parser(prog).parse_args(argv)
    if args.rule == "greedy" and (args.completion != "none" or args.compare):
        print(f"{prog}: error: --completion and --compare apply to --rule mes only", file=sys.stderr)
        return 2
    try:
        data = read_pb(args.file)
        outcome = tally(data.election, rule=args.rule, completion=args.completion, compare=args.compare,
                        min_support_pct=args.min_support)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return 1
    for pid in outcome.selected:
        print(pid)
    if args.verbose:
        err = sys.stderr
        print(f"# rule {outcome.rule}: {len(outcome.selected)} projects, cost "
              f"{data.amount(outcome.total_cost)} of {data.amount(outcome.budget)}; "
              f"{outcome.n_voters} ballots", file=err)
        if outcome.mes_runs:
            share = Fraction(outcome.mes_voter_budget) / data.scale
            print(f"# MES runs {outcome.mes_runs}, per-voter budget {share} ({float(share):.2f})", file=err)
        for pid, code in sorted(outcome.reasons.items()):
            print(f"# {pid}: {code} ({outcome.votes[pid]} votes)", file=err)
    return 0
