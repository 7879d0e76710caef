"""A hexagon map of letters sent: one hexagon per constituency, shaded by how
many letters went there (data/constituencies_2024.hexjson, odd-r layout,
pointy-top hexagons, r growing northwards). Drawn as inline SVG on the
server, so it needs no script and scales to a phone's width."""

import functools
import math
from dataclasses import dataclass

from unionhall.campaigns.constituencies import hexes, representatives

SIZE = 10.0
WIDTH = math.sqrt(3) * SIZE
# Shade steps: none, then 1, 2-4, 5-9, 10 or more letters.
STEPS = (1, 2, 5, 10)


@dataclass(frozen=True)
class Hexagon:
    code: str
    points: str
    shade: int  # 0 (no letters) to len(STEPS)
    label: str


@dataclass(frozen=True)
class HexMap:
    width: float
    height: float
    hexagons: tuple[Hexagon, ...]


def _shade(letters: int) -> int:
    return sum(1 for step in STEPS if letters >= step)


@functools.lru_cache(maxsize=1)
def _geometry() -> tuple[float, float, tuple[tuple[str, str, str], ...]]:
    """Each hexagon's code, corner points and constituency name, worked out
    once a process (the data files are read once too)."""
    cells = hexes()
    reps = representatives()
    min_q = min(q for q, _ in cells.values())
    max_r = max(r for _, r in cells.values())
    drawn = []
    for code, (q, r) in sorted(cells.items()):
        cx = (q - min_q) * WIDTH + (WIDTH / 2 if r & 1 else 0) + WIDTH / 2
        cy = (max_r - r) * 1.5 * SIZE + SIZE
        corners = [(cx + SIZE * math.cos(math.radians(60 * i - 30)), cy + SIZE * math.sin(math.radians(60 * i - 30))) for i in range(6)]
        drawn.append((code, " ".join(f"{x:.1f},{y:.1f}" for x, y in corners), reps[code].constituency if code in reps else code))
    width = (max(q for q, _ in cells.values()) - min_q + 2) * WIDTH
    height = (max_r - min(r for _, r in cells.values()) + 1) * 1.5 * SIZE + SIZE
    return round(width, 1), round(height, 1), tuple(drawn)


def hex_map(counts: dict[str, int], *, exact: bool = True) -> HexMap:
    """The map for letters sent by constituency code. Not ``exact`` (anyone
    outside HQ), a count under 10 is neither shown nor told apart by shade:
    all of 1 to 9 share one shade and read "fewer than 10"."""
    width, height, geometry = _geometry()
    drawn = []
    for code, points, name in geometry:
        letters = counts.get(code, 0)
        if exact or letters == 0 or letters >= 10:
            shade, told = _shade(letters), f"{letters} letter{'' if letters == 1 else 's'}"
        else:
            shade, told = 2, "fewer than 10 letters"
        drawn.append(Hexagon(code, points, shade, f"{name}: {told}"))
    return HexMap(width, height, tuple(drawn))
