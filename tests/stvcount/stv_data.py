"""Where the Scottish council election data lives (override with STV_DATA)."""

import json
import os
from pathlib import Path

DATA = Path(os.environ.get("STV_DATA", "/work/shared/data/scotland-stv"))
OFFICIAL_FILE = DATA / "official-2017.json"


def official_wards() -> list[dict]:
    """The official 2017 results, one dict per ward ([] if the data is absent)."""
    if not OFFICIAL_FILE.exists():
        return []
    return json.loads(OFFICIAL_FILE.read_text(encoding="utf-8"))["wards"]


def ballot_files(year: str) -> list[Path]:
    """The BLT files of ``year`` ([] if the data is absent)."""
    return sorted((DATA / year).glob("*.blt"))
