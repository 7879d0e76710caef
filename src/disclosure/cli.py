"""Command line: ``unionhall-disclose protect|audit|equality``.

- ``protect TABLE.csv... [--threshold 10] [--json]``: protect the tables
  together (linked through shared dimensions) and print the safe tables,
  hidden figures as ``[c]``, then the publisher's notes (why each cell was
  hidden: not for publication) and the audit's verdict. Microdata files (a
  ``value`` column) are magnitude tables; ``--measure`` names the value.
- ``audit PUBLISHED.csv... [--threshold 10] [--json] [--verbose]``: check
  tables as someone published them. Exit 1 if anything can be disclosed.
- ``equality OUTCOMES.csv [--threshold 10] [--favourable] [--reference G]
  [--json]``: rates, impact ratios and Fisher's tests by group, small groups
  merged.

CSV shapes: see ``disclosure.csvio``. A bad file is reported as
``FILE:LINE: message`` on stderr and the exit status is 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from fractions import Fraction

from .audit import audit, audit_published, failures
from .csvio import CsvError, read_counts, read_microdata, read_outcomes, read_published
from .equality import equality
from .lp import Infeasible
from .protect import protect
from .render import (
    equality_json,
    publication,
    publisher_notes,
    render_equality,
    render_findings,
    render_protected,
)
from .rules import Rules
from .tables import TableError


def _threshold(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def _read(name: str, reader):
    try:
        return reader(name)
    except CsvError as e:
        raise _Bad(f"{name}:{e.line}: {e.message}") from None
    except (TableError, ValueError) as e:
        raise _Bad(f"{name}:0: {e}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise _Bad(f"{name}:0: {e}") from None


class _Bad(Exception):
    pass


def _is_microdata(name: str) -> bool:
    try:
        with open(name, encoding="utf-8-sig") as f:
            first = f.readline()
    except OSError:
        return False
    return "value" in [h.strip().lower() for h in first.split(",")]


def _protect(args) -> int:
    tables = []
    for name in args.files:
        if _is_microdata(name):
            t = _read(name, lambda n: read_microdata(n, args.measure, args.count_measure))
        else:
            t = _read(name, read_counts)
        if args.answer and args.answer in t.dims:
            t = replace(t, answer=args.answer)
        tables.append(t)
    try:
        rules = Rules(
            args.threshold,
            None if args.no_nk else (args.nk[0], Fraction(args.nk[1])),
            None if args.no_p else Fraction(args.p),
            Fraction(args.safety_range),
        )
        result = protect(tables, rules=rules)
    except (TableError, Infeasible) as e:
        raise _Bad(f"{args.files[0]}:0: {e}") from None
    findings = audit(result)
    if args.json:
        print(json.dumps({
            "publication": publication(result),
            "publisher_only": publisher_notes(result),
            "audit": {"passed": not failures(findings), "findings": [f.to_dict() for f in findings if f.severity != "ok"]},
        }, ensure_ascii=False))
    else:
        print(render_protected(result))
        print()
        print(render_findings(findings))
    return 0 if not failures(findings) else 1


def _audit(args) -> int:
    tables = []
    for name in args.files:
        p = _read(name, read_published)
        if args.answer and args.answer in p.dims:
            p = replace(p, answer=args.answer)
        tables.append(p)
    try:
        findings = audit_published(tables, args.threshold)
    except TableError as e:
        raise _Bad(f"{args.files[0]}:0: {e}") from None
    if args.json:
        print(json.dumps({
            "passed": not failures(findings),
            "findings": [f.to_dict() for f in findings if args.verbose or f.severity != "ok"],
        }, ensure_ascii=False))
    else:
        print(render_findings(findings, verbose=args.verbose))
    return 0 if not failures(findings) else 1


def _equality(args) -> int:
    g, n, k, rows = _read(args.file, read_outcomes)
    try:
        report = equality(rows, threshold=args.threshold, outcome_is_adverse=not args.favourable, reference=args.reference)
    except TableError as e:
        raise _Bad(f"{args.file}:0: {e}") from None
    if args.json:
        print(json.dumps(equality_json(report), ensure_ascii=False))
    else:
        print(render_equality(report, (g, n, k)))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns (and, as a console script, exits with) the status."""
    parser = argparse.ArgumentParser(
        prog="unionhall-disclose", description="Protect, audit and monitor published statistics."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p):
        p.add_argument("--threshold", type=_threshold, default=10, help="least number of people a shown cell may hold (default 10, at least 5)")
        p.add_argument("--json", action="store_true", help="print one JSON object")

    p = sub.add_parser("protect", help="hide what must be hidden, and prove it")
    p.add_argument("files", nargs="+", metavar="TABLE.csv")
    common(p)
    p.add_argument("--nk", nargs=2, metavar=("N", "K"), default=(2, "85"), type=str, help="(n, k) dominance rule (default 2 85)")
    p.add_argument("--no-nk", action="store_true", help="turn the (n, k) rule off")
    p.add_argument("--p", default="10", help="p%% rule's p (default 10)")
    p.add_argument("--no-p", action="store_true", help="turn the p%% rule off")
    p.add_argument("--safety-range", default="20", help="protection of sums with too few contributors, per cent (default 20)")
    p.add_argument("--measure", default="value", help="what a microdata file's value column is (e.g. caseload)")
    p.add_argument("--count-measure", default=None, help="link contributor counts with count tables of this measure (e.g. respondents)")
    p.add_argument("--answer", help="the dimension holding survey answers, to warn where a whole group gave one answer")
    p.set_defaults(run=_protect)

    p = sub.add_parser("audit", help="check a table someone published")
    p.add_argument("files", nargs="+", metavar="PUBLISHED.csv")
    common(p)
    p.add_argument("--verbose", action="store_true", help="list every hidden cell's interval, not only problems")
    p.add_argument("--answer", help="the dimension holding survey answers")
    p.set_defaults(run=_audit)

    p = sub.add_parser("equality", help="outcome rates by group, small groups merged")
    p.add_argument("file", metavar="OUTCOMES.csv")
    common(p)
    p.add_argument("--favourable", action="store_true", help="the counted outcome is the good one (e.g. selected)")
    p.add_argument("--reference", help="the group to compare with (default: highest favourable rate)")
    p.set_defaults(run=_equality)

    args = parser.parse_args(argv)
    if args.threshold < 5:
        print(f"unionhall-disclose: threshold {args.threshold} is below 5: cells that small identify people", file=sys.stderr)
        return 2
    if args.command == "protect":
        try:
            n = int(args.nk[0])
            Fraction(args.nk[1]), Fraction(args.p), Fraction(args.safety_range)
        except (ValueError, ZeroDivisionError):
            print("unionhall-disclose: --nk, --p and --safety-range take numbers", file=sys.stderr)
            return 2
        args.nk = (n, args.nk[1])
    try:
        return args.run(args)
    except _Bad as e:
        print(e, file=sys.stderr)
        return 2
    except ValueError as e:
        print(f"unionhall-disclose: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
