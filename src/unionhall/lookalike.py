"""Letters that pass for Latin ones, for comparing text as it looks: a
pseudonym against members' names (bulletins.pseudonyms), a letter to an MP
against the letters already sent (campaigns.likeness). For comparing only,
never for showing. A leaf: imports nothing, not even Django."""

# Letters that pass for a Latin one: Cyrillic, Greek, Armenian and Cherokee
# look-alikes, and Latin letters that no decomposition takes back to a plain
# one. Applied before case-folding too, because a capital may look Latin where
# its small letter does not (Cyrillic Н is an H; н is not an h).
LATIN_LOOKALIKES = str.maketrans(
    dict(
        zip(
            "АВЕКМНОРСТУХЅІЈԚԜҮӀ" "аеорсухѕіјԁһԛԝӏүгпѵ" "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ" "οιαρνυγκχϲϳ" "օսհոցզ" "ᎪᏴᏟᎬᎻᏦᎷᏢᏚᎢᏔᏃᎫ" "ıłøđħɑɡȷɩŁØĐĦ",
            "ABEKMHOPCTYXSIJQWYl" "aeopcyxsijdhqwlyrnv" "ABEZHIKMNOPTYX" "oiapvuykxcj" "ouhngq" "ABCEHKMPSTWZJ" "ilodhagjiLODH",
            strict=True,
        )
    )
)


def as_latin(text: str) -> str:
    """``text`` with each look-alike letter read as the Latin one it passes for,
    before case-folding and after (a capital may pass where its small letter does not)."""
    return text.translate(LATIN_LOOKALIKES).casefold().translate(LATIN_LOOKALIKES)
