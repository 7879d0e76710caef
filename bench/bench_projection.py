"""How good is the turnout drive's projection? Replays simulated voting
curves through the projection the turnout page uses (ballots.turnout._project)
and reports its error against the final turnout at 25%, 50% and 75% of the
voting window, for both of its methods: the pace so far, and the curves of
the union's past ballots (here HISTORY earlier simulated ballots, kept
apart from those measured). Prints one JSON object.

Each simulated ballot has a final turnout between 25% and 75%; its votes come
as real ballots' do: a rush after the opening, a steady trickle, a bump after
a reminder at mid-window, and a rise before the close.

    python bench/bench_projection.py [--ballots N] [--entitled E] [--seed S]
"""

import argparse
import datetime as dt
import json
import random
import statistics
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import _django  # noqa: E402

MARKS = (0.25, 0.5, 0.75)
HISTORY = 10


def vote_times(rng: random.Random, voters: int) -> list[float]:
    """When each voter votes, as a fraction of the window."""
    times = []
    for _ in range(voters):
        kind = rng.random()
        if kind < 0.4:
            t = rng.expovariate(1 / 0.08)  # the rush after the first email
        elif kind < 0.7:
            t = rng.random()  # a steady trickle
        elif kind < 0.85:
            t = 0.5 + rng.expovariate(1 / 0.05)  # the reminder at mid-window
        else:
            t = 1 - rng.expovariate(1 / 0.06)  # the last days
        times.append(min(max(t, 0.0), 0.9999))
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ballots", type=int, default=200)
    parser.add_argument("--entitled", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    engine = _django.setup("sqlite")
    try:
        run(args)
    finally:
        _django.teardown(engine)


def run(args):
    from unionhall.ballots.models import Ballot
    from unionhall.ballots.curves import voting_curve
    from unionhall.ballots.turnout import Place, _project

    rng = random.Random(args.seed)
    opens = dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc)
    ballot = Ballot(opens_at=opens, closes_at=opens + dt.timedelta(days=14))
    window = ballot.closes_at - ballot.opens_at
    # Past ballots: same members, same habits, different questions and turnouts.
    history = [voting_curve([opens + window * t for t in vote_times(rng, round(rng.uniform(0.25, 0.75) * args.entitled))],
                            ballot.opens_at, ballot.closes_at) for _ in range(HISTORY)]  # fmt: skip
    methods = {"pace so far": (), f"curves of {HISTORY} past ballots": history}
    errors = {(name, m): [] for name in methods for m in MARKS}
    covered = {(name, m): 0 for name in methods for m in MARKS}
    for _ in range(args.ballots):
        final = rng.uniform(0.25, 0.75)
        times = vote_times(rng, round(final * args.entitled))
        actual = 100 * len(times) / args.entitled
        for mark in MARKS:
            so_far = Place("all", args.entitled, sum(1 for t in times if t < mark))
            for name, past in methods.items():
                p = _project(ballot, so_far, opens + window * mark, 50, past)
                errors[name, mark].append(p.percent - actual)
                covered[name, mark] += abs(p.percent - actual) <= p.plus_minus
    report = {name: {} for name in methods}
    for (name, mark), e in errors.items():
        report[name][f"{int(mark * 100)}%"] = {
            "mean_abs_error_pp": round(statistics.fmean(abs(x) for x in e), 1),
            "bias_pp": round(statistics.fmean(e), 1),
            "rmse_pp": round(statistics.fmean(x * x for x in e) ** 0.5, 1),
            "within_plus_minus": round(covered[name, mark] / len(e), 2),
        }
    print(json.dumps({"bench": "turnout_projection", "ballots": args.ballots, "entitled": args.entitled, "seed": args.seed,
                      "at_window": report}))  # fmt: skip


if __name__ == "__main__":
    main()
