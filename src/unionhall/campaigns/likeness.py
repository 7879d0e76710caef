"""How alike two letters are, after mySociety's WriteToThem: MPs discount a
pile of identical letters, so a letter too close to the model letter is sent
back to its writer, and one too close to a letter already sent is held for
an officer to look at.

A letter's body, without its greeting ("Dear ...") and sign-off ("Yours
sincerely" and what follows), lower-cased and cut into words, gives its
*shingles*: every run of ``SHINGLE`` consecutive words, each hashed to 63
bits. Two letters' likeness is the Jaccard index of their shingle sets (the
share of runs they have in common). To compare one letter with thousands
without reading them all, each letter keeps a *sketch*: the ``SKETCH``
smallest of its hashes (a bottom-k sketch, Broder 1997). The sketches of two
letters estimate their likeness: of the ``SKETCH`` smallest hashes of both
together, the share that both letters have.

Pure Python: imports nothing of Django, and of the project only the leaf
``unionhall.lookalike``."""

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from unionhall.lookalike import as_latin

SHINGLE = 4
SKETCH = 48
HOLD_ABOVE = 0.5  # likeness to a letter already sent above which a letter is held
# A letter must have at least this many runs of words that are not in the
# model letter: about a sentence of a dozen words of the writer's own. Filling
# in a blank ("[your caseload]" -> "sixty") makes only a few.
OWN_RUNS_AT_LEAST = 15

_GREETING = re.compile(r"^\s*(dear|to)\b", re.IGNORECASE)
_SIGN_OFF = re.compile(r"^\s*(yours\s+(sincerely|faithfully|truly)|kind\s+regards|best\s+wishes|regards|with\s+thanks|thank\s+you)\b[,.!]*\s*$", re.IGNORECASE)  # fmt: skip
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")


SIGNATURE_WORDS_AT_MOST = 40  # what may follow a sign-off: a name, an address, a membership number


def visible(text: str) -> str:
    """``text`` as it reads: compatibility forms folded (NFKC: full-width
    letters, ligatures) and invisible format characters (zero-width spaces
    and joiners, soft hyphens) removed, so a copy sprinkled with them is still
    the copy its reader sees."""
    return "".join(c for c in unicodedata.normalize("NFKC", text or "") if unicodedata.category(c) != "Cf")


def letter_core(text: str) -> str:
    """The body of a letter without the greeting line (a first non-empty line
    beginning "Dear" or "To") and without the sign-off line and all after it.
    A sign-off counts only where little follows it (a name and address): a
    "Thank you" line above paragraphs of text does not end the letter."""
    lines = visible(text).replace("\r\n", "\n").split("\n")
    lines = [line if line.isascii() else as_latin(line) for line in lines]  # a disguised "Dеar" is still a greeting
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines and _GREETING.match(lines[0]):
        lines.pop(0)
    for index, line in enumerate(lines):
        if _SIGN_OFF.match(line) and len(_WORD.findall("\n".join(lines[index + 1 :]))) <= SIGNATURE_WORDS_AT_MOST:
            lines = lines[:index]
            break
    return "\n".join(lines)


def words(text: str) -> list[str]:
    """The core's words, case-folded, each look-alike letter (a Cyrillic а for
    an a) read as the Latin one it passes for: a copy so disguised reads the
    same to its MP."""
    return _WORD.findall(as_latin(letter_core(text)))


def _hash(run: Iterable[str], key: bytes = b"") -> int:
    digest = hashlib.blake2b(" ".join(run).encode("utf-8"), digest_size=8, key=key).digest()
    return int.from_bytes(digest, "big") & ((1 << 63) - 1)  # fits a signed 64-bit column


def shingles(text: str, *, key: bytes = b"") -> frozenset[int]:
    """The hashes of every run of SHINGLE words in the letter's core (the
    whole core as one run if it is shorter). With ``key`` (at most 64 bytes)
    they are keyed BLAKE2b: what is stored cannot be tested against a guessed
    phrase by anyone without the key."""
    found = words(text)
    if not found:
        return frozenset()
    if len(found) < SHINGLE:
        return frozenset({_hash(found, key)})
    return frozenset(_hash(found[i : i + SHINGLE], key) for i in range(len(found) - SHINGLE + 1))


def likeness(a: frozenset[int], b: frozenset[int]) -> float:
    """The Jaccard index of two shingle sets: 1.0 for the same text, 0.0 for
    nothing in common (or an empty letter)."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def own_runs(letter: frozenset[int], model: frozenset[int]) -> int:
    """How many of the letter's runs of words the model letter does not have."""
    return len(letter - model)


def sketch(shingle_set: Iterable[int]) -> tuple[int, ...]:
    """The SKETCH smallest hashes, in order."""
    return tuple(sorted(shingle_set)[:SKETCH])


def sketch_likeness(a: Iterable[int], b: Iterable[int]) -> float:
    """The likeness two letters' sketches estimate: of the SKETCH smallest
    hashes of both sketches together, the share found in both."""
    a, b = set(a), set(b)
    if not a or not b:
        return 0.0
    smallest = sorted(a | b)[:SKETCH]
    return sum(1 for h in smallest if h in a and h in b) / len(smallest)
