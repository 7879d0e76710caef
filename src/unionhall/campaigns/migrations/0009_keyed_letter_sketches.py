"""Letter sketches become keyed per campaign (services.sketch_of), so they can
outlive a letter's text: recompute the sketches of letters whose text is
still kept; those already forgotten had theirs deleted with it. The hashing
is written out here as it stands today, so later changes to the app's code
cannot change what this migration did."""

import hashlib
import re
import unicodedata

from django.db import migrations
from django.utils.crypto import salted_hmac

SHINGLE, SKETCH = 4, 48
_GREETING = re.compile(r"^\s*(dear|to)\b", re.IGNORECASE)
_SIGN_OFF = re.compile(r"^\s*(yours\s+(sincerely|faithfully|truly)|kind\s+regards|best\s+wishes|regards|with\s+thanks|thank\s+you)\b[,.!]*\s*$", re.IGNORECASE)  # fmt: skip
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
# unionhall.lookalike's table as it stands today: letters that pass for Latin ones.
_LATIN = str.maketrans(dict(zip(
    "АВЕКМНОРСТУХЅІЈԚԜҮӀ" "аеорсухѕіјԁһԛԝӏүгпѵ" "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ" "οιαρνυγκχϲϳ" "օսհոցզ" "ᎪᏴᏟᎬᎻᏦᎷᏢᏚᎢᏔᏃᎫ" "ıłøđħɑɡȷɩŁØĐĦ",
    "ABEKMHOPCTYXSIJQWYl" "aeopcyxsijdhqwlyrnv" "ABEZHIKMNOPTYX" "oiapvuykxcj" "ouhngq" "ABCEHKMPSTWZJ" "ilodhagjiLODH", strict=True)))


def _latin(text: str) -> str:
    return text.translate(_LATIN).casefold().translate(_LATIN)


def _words(text: str) -> list[str]:
    lines = "".join(c for c in unicodedata.normalize("NFKC", text or "") if unicodedata.category(c) != "Cf").replace("\r\n", "\n").split("\n")
    lines = [line if line.isascii() else _latin(line) for line in lines]
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines and _GREETING.match(lines[0]):
        lines.pop(0)
    for index, line in enumerate(lines):
        if _SIGN_OFF.match(line) and len(_WORD.findall("\n".join(lines[index + 1 :]))) <= 40:
            lines = lines[:index]
            break
    return _WORD.findall(_latin("\n".join(lines)))


def _sketch(text: str, key: bytes) -> list[int]:
    found = _words(text)
    runs = [found] if 0 < len(found) < SHINGLE else [found[i : i + SHINGLE] for i in range(len(found) - SHINGLE + 1)]
    hashes = {int.from_bytes(hashlib.blake2b(" ".join(r).encode(), digest_size=8, key=key).digest(), "big") & ((1 << 63) - 1) for r in runs}
    return sorted(hashes)[:SKETCH]


def rekey(apps, schema_editor):
    Letter = apps.get_model("campaigns", "Letter")
    LetterSketch = apps.get_model("campaigns", "LetterSketch")
    sketched = LetterSketch.objects.values("letter_id").distinct()
    rows = []
    for letter in Letter.objects.filter(pk__in=sketched).exclude(body="").only("pk", "campaign_id", "body").iterator(chunk_size=2000):
        key = salted_hmac("unionhall.campaigns.letter-sketch", str(letter.campaign_id), algorithm="sha256").digest()
        rows += [LetterSketch(campaign_id=letter.campaign_id, letter_id=letter.pk, hash=h) for h in _sketch(letter.body, key)]
    LetterSketch.objects.all().delete()  # a letter whose text is gone has nothing to recompute: its unkeyed sketch goes
    LetterSketch.objects.bulk_create(rows, batch_size=5000)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0008_audience_employers_grades")]
    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
