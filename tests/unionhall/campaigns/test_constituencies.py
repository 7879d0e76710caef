"""Finding the MP from a postcode, offline (pure: no database)."""

import string

from hypothesis import given, settings, strategies as st

from unionhall.campaigns import constituencies
from unionhall.campaigns.mapping import hex_map

outward = st.builds(lambda a, d: a + d, st.text(string.ascii_uppercase, min_size=1, max_size=2), st.integers(1, 99).map(str))
postcodes = st.builds(lambda o, s, u: f"{o} {s}{u}", outward, st.integers(0, 9).map(str), st.text("ABDEFGHJLNPQRSTUWXYZ", min_size=2, max_size=2))


@settings(deadline=None)
@given(postcodes, st.sampled_from(["", " ", "  "]), st.booleans())
def test_a_postcode_is_normalised_however_it_is_typed(postcode, gap, lower):
    typed = postcode.replace(" ", gap)
    typed = typed.lower() if lower else typed
    assert constituencies.normalise_postcode(typed) == postcode
    assert constituencies.normalise_postcode(postcode) == postcode


@settings(deadline=None)
@given(st.text(max_size=12))
def test_anything_normalised_is_shaped_like_a_postcode(text):
    normal = constituencies.normalise_postcode(text)
    assert normal is None or constituencies.normalise_postcode(normal) == normal


def test_the_data_has_650_constituencies_each_with_a_hexagon():
    reps = constituencies.representatives()
    assert len(reps) == 650
    assert set(constituencies.hexes()) == set(reps)
    assert len(constituencies.northern_ireland()) == 18


def test_a_whole_sector_gives_one_mp_and_a_split_one_asks():
    whole = constituencies.find("ne14xx")
    assert whole.by == "sector" and not whole.needs_choice
    assert whole.candidates[0].representative.constituency == "Newcastle upon Tyne Central and West"
    split = constituencies.find("AB10 1AA")
    assert split.needs_choice
    assert [c.representative.constituency for c in split.candidates] == ["Aberdeen South", "Aberdeen North"]


def test_northern_ireland_offers_its_18_seats_and_nonsense_is_not_a_postcode():
    assert len(constituencies.find("BT7 1NN").candidates) == 18
    assert constituencies.find("not a postcode") is None
    assert constituencies.find("ZZ9 9ZZ").candidates == ()


def test_the_map_shades_constituencies_by_letters():
    drawn = {h.code: h for h in hex_map({"E14001063": 1, "E14001064": 12}).hexagons}
    assert len(drawn) == 650
    assert (drawn["E14001063"].shade, drawn["E14001064"].shade) == (1, 4)
    assert drawn["E14001064"].label == "Aldridge-Brownhills: 12 letters"


@given(st.text(alphabet="AB1 2TXYZ0b³٣", max_size=9))
def test_the_fast_path_agrees_with_the_regular_expressions(text):
    """normalise_postcode's cheap check gives what the regular expressions alone give."""
    compact = "".join(text.split()).upper()
    match = constituencies._POSTCODE.match(compact)
    expected = f"{match.group(1)} {match.group(2)}{match.group(3)}" if match and constituencies._OUTWARD.match(match.group(1)) else None
    assert constituencies.normalise_postcode(text) == expected


def test_short_outward_codes_and_northern_ireland():
    assert constituencies.find("B1 1AA").by in ("sector", "district")
    assert constituencies.find("bt1 1aa").by == "northern_ireland" and len(constituencies.find("BT1 1AA").candidates) == 18
    assert constituencies.find("GY1 1AA").candidates == ()  # Guernsey: a Crown dependency, no MP
