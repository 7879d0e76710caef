"""Reading and writing BLT ballot files.

Accepted layout (the OpenSTV/ERS "BLT" format and its common variants)::

    # comments start with '#'; blank lines are ignored anywhere
    7 4                 candidates, seats
    -2 -5               optional: withdrawn candidates as negative numbers
    146 1 0             weight, preferences..., 0 (trailing commas allowed)
    22 1 2 0
    0                   end of ballots
    "Ian CLARKSON"      one name per candidate, quoted or not
    ...
    "Irvine West"       optional title

Equal rankings ("1 2=3 0") are rejected with a clear message.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .election import Ballot, Election


class BltError(ValueError):
    """A malformed BLT file; ``line`` is the 1-based line number (0 if unknown)."""

    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


def read_blt(path: str | Path) -> Election:
    """Parse the BLT file at ``path``; raises ``BltError`` on bad content."""
    with open(path, encoding="utf-8-sig") as handle:
        return parse_blt(handle.read())


def parse_blt(text: str) -> Election:
    """Parse BLT ``text`` into an ``Election`` with identical ballots grouped.

    Raises ``BltError`` (with the offending line) for anything it cannot
    interpret unambiguously: a bad header, a preference for a candidate that
    does not exist, a candidate ranked twice, equal rankings, more seats than
    candidates, a missing end-of-ballots marker or missing names.
    """
    lines = text.splitlines()
    content = _content_lines(lines, 0)
    line_no, header = _next(content, "the header 'CANDIDATES SEATS'")
    numbers = _numbers(line_no, header)
    if len(numbers) != 2:
        raise BltError(line_no, f"header must be 'CANDIDATES SEATS', got {header!r}")
    n, seats = numbers
    if n < 1:
        raise BltError(line_no, "the number of candidates must be at least 1")
    if seats < 1:
        raise BltError(line_no, "the number of seats must be at least 1")

    withdrawn: set[int] = set()
    first = line_no  # ballots start after this line (0-based index == line_no)
    for line_no, line in content:
        if line.startswith("-"):
            for w in _numbers(line_no, line):
                if not -n <= w <= -1:
                    raise BltError(line_no, f"withdrawn candidate {-w} does not exist (there are {n} candidates)")
                withdrawn.add(-w - 1)
            first = line_no
        break

    parsed = _quick_ballots(lines, first, n) or _careful_ballots(lines, first, n)
    raw, end = parsed
    content = _content_lines(lines, end + 1)
    names = []
    for i in range(n):
        line_no, line = _next(content, f"the name of candidate {i + 1} of {n}")
        names.append(_name(line_no, line))
    title = ""
    for line_no, line in content:
        if title:
            raise BltError(line_no, f"unexpected line after the title: {line!r}")
        title = _name(line_no, line)

    if seats > n - len(withdrawn):
        raise BltError(1, f"more seats ({seats}) than standing candidates ({n - len(withdrawn)})")
    return Election.of(names, seats, raw, withdrawn, title)


def _quick_ballots(lines: list[str], first: int, n: int) -> tuple[dict[tuple[int, ...], int], int] | None:
    """Fast path for plain ballot lines: ({0-based ranking: weight}, index of the '0' line).

    Works on whole blocks of text with C-level string operations. Returns
    None whenever anything is unusual (blank or comment lines, commas, bad
    numbers...), leaving ``_careful_ballots`` to parse and report the line.
    """
    try:
        end = lines.index("0", first)
    except ValueError:
        return None
    weights, rests = [], []
    add_weight, add_rest = weights.append, rests.append
    for line in lines[first:end]:
        weight, _, rest = line.strip().partition(" ")
        add_weight(weight)
        add_rest(rest)
    text = " " + "\n ".join(rests) + "\n"
    if text.count(" 0\n") != len(rests):
        return None  # some line does not end with 0
    try:
        counts = list(map(int, weights))
        flat = list(map(_LessOne().__getitem__, text.split()))
    except ValueError:
        return None
    if counts and min(counts) < 0:
        return None
    index, i, rankings = flat.index, 0, []
    add = rankings.append
    for _ in rests:
        j = index(-1, i)
        add(tuple(flat[i:j]))
        i = j + 1
    if i != len(flat):
        return None  # a 0 inside some ballot
    raw = dict(zip(rankings, counts))
    if len(raw) != len(rankings):
        raw = {}
        for ranking, weight in zip(rankings, counts):
            raw[ranking] = raw.get(ranking, 0) + weight
    for ranking in raw:
        if ranking and (min(ranking) < 0 or max(ranking) >= n or len(set(ranking)) != len(ranking)):
            return None
    return raw, end


class _LessOne(dict):
    """Memoised ``int(token) - 1``: BLT candidate numbers to 0-based, the end 0 to -1."""

    def __missing__(self, token: str) -> int:
        value = self[token] = int(token) - 1
        return value


def _careful_ballots(lines: list[str], first: int, n: int) -> tuple[dict[tuple[int, ...], int], int]:
    """Parse ballot lines one by one, raising ``BltError`` at the first bad one."""
    raw: dict[tuple[int, ...], int] = {}
    line_no = first
    for line_no, line in _content_lines(lines, first):
        if line == "0":
            return raw, line_no - 1
        nums = _numbers(line_no, line)
        if nums[0] < 0:
            raise BltError(line_no, "withdrawn candidates must be on the line after the header")
        if nums[-1] != 0:
            raise BltError(line_no, "ballot must end with 0")
        ranking = tuple(nums[1:-1])
        if ranking and (min(ranking) < 1 or max(ranking) > n):
            bad = next(c for c in ranking if not 1 <= c <= n)
            what = "0 inside a ballot" if bad == 0 else f"candidate {bad} which does not exist"
            raise BltError(line_no, f"ballot names {what} (there are {n} candidates)")
        if len(set(ranking)) != len(ranking):
            twice = next(c for c in ranking if ranking.count(c) > 1)
            raise BltError(line_no, f"ballot ranks candidate {twice} more than once")
        key = tuple(c - 1 for c in ranking)
        raw[key] = raw.get(key, 0) + nums[0]
    raise BltError(line_no, "missing the '0' line that ends the ballots")


def format_blt(election: Election) -> str:
    """BLT text for ``election``; ``parse_blt`` of it gives back an equal election."""
    out = [f"{len(election.candidates)} {election.seats}"]
    if election.withdrawn:
        out.append(" ".join(str(-c - 1) for c in sorted(election.withdrawn)))
    for weight, ranking in zip(election.weights, election.rankings):
        out.append(" ".join(map(str, (weight, *(c + 1 for c in ranking), 0))))
    out.append("0")
    out.extend(f'"{name}"' for name in election.candidates)
    out.append(f'"{election.title}"')
    return "\n".join(out) + "\n"


def _content_lines(lines: list[str], start: int) -> Iterator[tuple[int, str]]:
    """Yield (line number, stripped line) for lines from index ``start`` on that are neither blank nor comments."""
    for number, raw in enumerate(lines[start:], start=start + 1):
        line = raw.strip()
        if line and line[0] != "#":
            yield number, line


def _next(lines: Iterator[tuple[int, str]], wanted: str) -> tuple[int, str]:
    for item in lines:
        return item
    raise BltError(0, f"file ends before {wanted}")


def _numbers(line_no: int, line: str) -> list[int]:
    """Whole numbers on a header/ballot line (commas and '#' comments tolerated)."""
    if "#" in line:
        line = line.split("#", 1)[0]
    if "," in line:
        line = line.replace(",", " ")
    if "=" in line:
        raise BltError(line_no, "equal rankings ('=') are not supported")
    try:
        numbers = [int(part) for part in line.split()]
    except ValueError:
        raise BltError(line_no, f"expected whole numbers, got {line!r}") from None
    if not numbers:
        raise BltError(line_no, "expected numbers")
    return numbers


def _name(line_no: int, line: str) -> str:
    """A candidate name or title, quoted or not, with a trailing comma allowed."""
    if line.startswith('"'):
        end = line.find('"', 1)
        if end < 0:
            raise BltError(line_no, f"unterminated quoted name: {line}")
        rest = line[end + 1 :].strip()
        if rest not in ("", ","):
            raise BltError(line_no, f"unexpected text after quoted name: {rest!r}")
        return line[1:end]
    return line.rstrip(",").strip()


__all__ = ["Ballot", "BltError", "Election", "format_blt", "parse_blt", "read_blt"]
