"""stvcount: count single-transferable-vote elections from BLT files.

Pure Python, standard library only, exact fixed-point arithmetic. Rule sets
live in ``stvcount.rules`` (scottish, ers97, meek, fptp)::

    from stvcount import read_blt, count
    result = count(read_blt("ward.blt"), "scottish")
    result.winners          # 0-based candidate numbers, in order of election
    result.to_dict()        # JSON-ready, candidates numbered from 1
"""

from .blt import BltError, format_blt, parse_blt, read_blt
from .election import Ballot, Election
from .result import Decision, Result, Stage, Tie
from .rules import RULES, count

__all__ = [
    "RULES",
    "Ballot",
    "BltError",
    "Decision",
    "Election",
    "Result",
    "Stage",
    "Tie",
    "count",
    "format_blt",
    "parse_blt",
    "read_blt",
]
