"""Command line: ``stvcount FILE.blt... --rule scottish|ers97|meek|fptp [--json] [--html OUT]``.

Prints a text table per file, or with ``--json`` one JSON object per file per
line (``file``, ``elected``, ``stages``, ``quota``, ``valid``, ``seats``,
``ties``... see ``Result.to_dict``). ``--html OUT`` writes a standalone page
(with several files OUT is a directory, one page per file). A bad file is
reported as ``FILE:LINE: message`` on stderr and the exit status is 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .blt import BltError, read_blt
from .render import render_html, render_text
from .rules import RULES, count


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns (and, as a console script, exits with) the status."""
    parser = argparse.ArgumentParser(prog="stvcount", description="Count STV elections from BLT files.")
    parser.add_argument("files", nargs="+", metavar="FILE.blt")
    parser.add_argument("--rule", choices=sorted(RULES), default="scottish")
    parser.add_argument("--json", action="store_true", help="one JSON object per file per line")
    parser.add_argument("--html", metavar="OUT", help="write an HTML page (a directory if several files)")
    parser.add_argument("--seed", type=int, default=0, help="seed for ties settled by lot (default 0)")
    args = parser.parse_args(argv)

    status = 0
    for name in args.files:
        try:
            election = read_blt(name)
        except BltError as error:
            print(f"{name}:{error.line}: {error.message}", file=sys.stderr)
            status = 2
            continue
        except (OSError, UnicodeDecodeError) as error:
            print(f"{name}:0: {error}", file=sys.stderr)
            status = 2
            continue
        result = count(election, args.rule, seed=args.seed)
        if args.json:
            print(json.dumps({"file": name, **result.to_dict()}, ensure_ascii=False))
        else:
            if len(args.files) > 1:
                print(f"== {name} ==")
            print(render_text(result))
        if args.html:
            out = Path(args.html)
            if len(args.files) > 1:
                out.mkdir(parents=True, exist_ok=True)
                out = out / (Path(name).stem + ".html")
            out.write_text(render_html(result), encoding="utf-8")
    return status


if __name__ == "__main__":
    sys.exit(main())
