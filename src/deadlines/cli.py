"""Command line: ``unionhall-deadline COMMAND ...``; prints the date and how it was worked out.

    unionhall-deadline tribunal --act 2026-03-10 --acas-from 2026-05-01 --acas-cert 2026-05-20 \\
        [--claim unfair-dismissal|discrimination|deductions] [--nation scotland] [--era2025-commenced 2027-10-01] [--json]
    unionhall-deadline working-days --from 2026-05-22 --add 3 [--nation scotland] [--closure 2026-05-29 ...] [--json]
    unionhall-deadline companion --proposed 2026-12-23 [--nation ...] [--json]
    unionhall-deadline sar --received 2026-01-31 [--extended] [--nation ...] [--json]
    unionhall-deadline consultation --first-dismissal 2026-06-30 --employees 150 [--json]
    unionhall-deadline appeal --outcome 2026-03-02 [--within 5 --unit working-days] [--policy FILE.json] [--closure ...] [--json]
    unionhall-deadline policy --file FILE.json --from 2026-03-02 [--nation ...] [--closure ...] [--json]
    unionhall-deadline holidays --year 2026 [--nation ...] [--json]
    unionhall-deadline list [--json]

``--json`` prints one JSON object. Bad input: a message on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from . import deadline, law, working_days
from .counting import Unit
from .errors import DeadlineError
from .result import DISCLAIMER, Deadline
from .rules import RULES, PolicyRule
from .rules import policy as policy_rules
from .words import say, weekday
from .workdays import Nation, bank_holidays, holiday_package_version, nation_of

PROG = "unionhall-deadline"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {text!r}") from None


def _nation(text: str) -> Nation:
    try:
        return nation_of(text)
    except DeadlineError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Working days and legal time limits, with the steps that find them. "
                                     + DISCLAIMER)  # fmt: skip
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.add_argument("--json", action="store_true", help="print one JSON object")
        return sub

    def with_nation(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--nation", type=_nation, default=Nation.ENGLAND_WALES,
                         help="england-wales (default), scotland or northern-ireland")  # fmt: skip

    def with_closures(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--closure", type=_date, action="append", default=[], metavar="DATE",
                         help="an employer closure day (repeat for more); counted by employer policy rules only")  # fmt: skip

    sub = command("tribunal", "Employment tribunal time limit, with ACAS early conciliation")
    sub.add_argument("--act", type=_date, required=True, metavar="DATE", help="the act complained of, or the effective date of termination")
    sub.add_argument("--claim", choices=("unfair-dismissal", "discrimination", "deductions"), default="unfair-dismissal")
    sub.add_argument("--acas-from", type=_date, metavar="DATE", help="Day A: the day ACAS was contacted")
    sub.add_argument("--acas-cert", type=_date, metavar="DATE", help="Day B: the day the certificate was received")
    sub.add_argument("--era2025-commenced", type=_date, metavar="DATE", help="when the Employment Rights Act 2025 six-month limit came into force")
    with_nation(sub)

    sub = command("working-days", "The Nth working day after (or, if N is negative, before) a date")
    sub.add_argument("--from", dest="start", type=_date, required=True, metavar="DATE")
    sub.add_argument("--add", type=int, required=True, metavar="N")
    with_nation(sub)
    with_closures(sub)

    sub = command("companion", "Right to be accompanied: the latest alternative time for a hearing")
    sub.add_argument("--proposed", type=_date, required=True, metavar="DATE", help="the day the employer proposed for the hearing")
    with_nation(sub)

    sub = command("sar", "Subject access request: when the response is due")
    sub.add_argument("--received", type=_date, required=True, metavar="DATE")
    sub.add_argument("--extended", action="store_true", help="extended by two further months (complex or numerous requests)")
    with_nation(sub)

    sub = command("consultation", "Collective redundancy consultation: the latest day it may begin")
    sub.add_argument("--first-dismissal", type=_date, required=True, metavar="DATE")
    sub.add_argument("--employees", type=int, required=True, metavar="N", help="redundancies proposed at one establishment within 90 days")
    with_nation(sub)

    sub = command("appeal", "Appeal against a disciplinary or grievance outcome (ACAS Code), under an employer policy if given")
    sub.add_argument("--outcome", type=_date, required=True, metavar="DATE", help="the date of the outcome or outcome letter")
    sub.add_argument("--within", type=int, metavar="N", help="the employer's time limit: N units from the outcome")
    sub.add_argument("--unit", choices=[u.value for u in Unit], default=Unit.WORKING_DAYS.value)
    sub.add_argument("--policy", type=Path, metavar="FILE.json", help="the employer's rule as a policy rule (JSON)")
    with_nation(sub)
    with_closures(sub)

    sub = command("policy", "An employer policy rule from a JSON file")
    sub.add_argument("--file", type=Path, required=True, metavar="FILE.json")
    sub.add_argument("--from", dest="start", type=_date, required=True, metavar="DATE")
    with_nation(sub)
    with_closures(sub)

    sub = command("holidays", "The bank holidays of a year, as this tool counts them")
    sub.add_argument("--year", type=int, required=True)
    with_nation(sub)

    command("list", "The rules, with their law, sources and dates")
    return parser


def _read_policy(path: Path) -> PolicyRule:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise DeadlineError(f"cannot read {path}: {error.strerror or error}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise DeadlineError(f"{path} is not valid JSON: {error}") from None
    return PolicyRule.from_dict(data)


def _run(args: argparse.Namespace) -> tuple[Any, str]:
    """The JSON-ready result and its text form."""
    if args.command == "list":
        return _list()
    if args.command == "holidays":
        return _holidays(args.year, args.nation)
    if args.command == "working-days":
        counted = working_days(args.start, args.add, nation=args.nation, closures=args.closure)
        data = {"date": counted.date.isoformat(), "weekday": weekday(counted.date), "start": args.start.isoformat(),
                "working_days": args.add, "nation": args.nation.value, "closures": [d.isoformat() for d in sorted(args.closure)],
                "steps": list(counted.steps)}  # fmt: skip
        text = "\n".join([f"Date: {say(counted.date)}", "", "How it was worked out:", *_numbered(counted.steps)])
        return data, text
    if args.command == "tribunal":
        extra = {"claim": args.claim}
        for key in ("acas_from", "acas_cert", "era2025_commenced"):
            if getattr(args, key) is not None:
                extra[key] = getattr(args, key)
        found = deadline("tribunal", start=args.act, nation=args.nation, extra=extra)
    elif args.command == "companion":
        found = deadline("companion", start=args.proposed, nation=args.nation)
    elif args.command == "sar":
        found = deadline("sar", start=args.received, nation=args.nation, extra={"extended": args.extended})
    elif args.command == "consultation":
        found = deadline("consultation", start=args.first_dismissal, nation=args.nation, extra={"employees": args.employees})
    elif args.command == "appeal":
        if args.policy and args.within is not None:
            raise DeadlineError("give either --policy or --within, not both")
        extra = {}
        if args.policy:
            extra["policy"] = _read_policy(args.policy)
        elif args.within is not None:
            extra["policy"] = PolicyRule.from_dict({"code": "employer-appeal", "title": f"Appeal within {args.within} {args.unit}",
                                                    "count": args.within, "unit": args.unit,
                                                    "event": "the date of the outcome", "source": "employer policy"})  # fmt: skip
        found = deadline("appeal", start=args.outcome, nation=args.nation, extra=extra, closures=args.closure)
    else:  # policy
        found = deadline(_read_policy(args.file), start=args.start, nation=args.nation, closures=args.closure)
    return found.to_dict(), render(found)


def _numbered(lines) -> list[str]:
    return [f"{i:>3}. {line}" for i, line in enumerate(lines, 1)]


def render(found: Deadline) -> str:
    """The text a rep reads: the date first, then the rule, the steps, and what is not decided."""
    lines = [f"Deadline: {found.headline}", f"Rule: {found.title}", f"Law: {found.source}"]
    if found.source_url:
        lines.append(f"     {found.source_url}")
    lines += ["", "How it was worked out:", *_numbered(found.steps)]
    if found.notes:
        lines += ["", "Not decided here:", *[f"  - {note}" for note in found.notes]]
    lines += ["", DISCLAIMER]
    return "\n".join(lines)


def _list() -> tuple[Any, str]:
    rules = []
    lines = []
    for name, module in RULES.items():
        rows = [v for code in module.LAW for v in law.versions(code)]
        rules.append({"rule": name, "title": module.TITLE, "start": module.START, "inputs": dict(module.INPUTS),
                      "law": [v.to_dict() for v in rows]})  # fmt: skip
        lines.append(f"{name}: {module.TITLE}")
        lines.append(f"  start date: {module.START}")
        for key, meaning in module.INPUTS.items():
            lines.append(f"  input {key}: {meaning}")
        for v in rows:
            lines.append(f"  - {v.title} [{', '.join(n.label for n in v.nations)}]; {v.period}")
            lines.append(f"    {v.source}")
            lines.append(f"    {v.source_url}")
        lines.append("")
    lines.append("policy: an employer's own rule, given as JSON: code, title, count, unit, and optionally counting, direction, roll, event, source.")
    return {"rules": rules, "policy_fields": sorted(policy_rules.FIELDS)}, "\n".join(lines)


def _holidays(year: int, nation: Nation) -> tuple[Any, str]:
    days = bank_holidays(nation, year)
    listed = [{"date": d.isoformat(), "weekday": weekday(d), "name": name} for d, name in days.items()]
    lines = [f"Bank holidays in {nation.label}, {year} (holidays package {holiday_package_version()}):"]
    lines += [f"  {say(d)}: {name}" + ("" if d.weekday() < 5 else " (a weekend day; see any substitute day)") for d, name in days.items()]
    return {"year": year, "nation": nation.value, "holidays_package": holiday_package_version(), "bank_holidays": listed}, "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns (and, as a console script, exits with) the status: 0, or 2 for bad input."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as stop:  # argparse has printed its message
        return int(stop.code or 0)
    try:
        data, text = _run(args)
    except DeadlineError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
