"""Properties of how alike letters are (pure: no database)."""

from hypothesis import given, settings, strategies as st

from unionhall.campaigns import likeness

sentences = st.lists(st.text(alphabet="abcdefghij klmno", min_size=1, max_size=40), min_size=1, max_size=20).map(" ".join)


@settings(deadline=None)
@given(sentences)
def test_a_letter_is_wholly_like_itself_unless_it_has_no_words(text):
    s = likeness.shingles(text)
    assert likeness.likeness(s, s) == (1.0 if s else 0.0)


@settings(deadline=None)
@given(sentences, sentences)
def test_likeness_is_symmetric_and_between_nought_and_one(a, b):
    sa, sb = likeness.shingles(a), likeness.shingles(b)
    assert likeness.likeness(sa, sb) == likeness.likeness(sb, sa)
    assert 0.0 <= likeness.likeness(sa, sb) <= 1.0


@settings(deadline=None)
@given(sentences, st.sampled_from(["Dear Sir,", "Dear Ms Khan MP", "To whom it may concern"]),
       st.sampled_from(["Yours sincerely,", "Kind regards", "Best wishes"]), st.text(alphabet="ABCxyz ", max_size=30))
def test_greeting_and_sign_off_do_not_count(core, greeting, sign_off, name):
    letter = f"{greeting}\n\n{core}\n\n{sign_off}\n{name}"
    assert likeness.shingles(letter) == likeness.shingles(core)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=2**63 - 1), unique=True, min_size=1, max_size=200))
def test_a_sketch_holds_the_smallest_hashes_and_is_wholly_like_itself(hashes):
    sketch = likeness.sketch(hashes)
    assert list(sketch) == sorted(hashes)[: likeness.SKETCH]
    assert likeness.sketch_likeness(sketch, sketch) == 1.0


def test_sketches_estimate_likeness_closely_for_long_letters():
    words = [f"w{i}" for i in range(600)]
    a = " ".join(words[:400])
    b = " ".join(words[200:600])  # shares half its runs with a
    exact = likeness.likeness(likeness.shingles(a), likeness.shingles(b))
    estimate = likeness.sketch_likeness(likeness.sketch(likeness.shingles(a)), likeness.sketch(likeness.shingles(b)))
    assert 0.3 < exact < 0.36
    assert abs(estimate - exact) < 0.2


def test_a_copied_letter_with_a_new_name_is_held_and_a_rewritten_one_is_not():
    base = "My caseload is far too high and I cannot see people as often as the court expects. " * 3
    copy = likeness.shingles(f"Dear Sir,\n{base}\nYours sincerely,\nSomeone Else")
    own = likeness.shingles("I supervise sixty people. Two of my colleagues left in March and their cases came to me.")
    original = likeness.shingles(base)
    assert likeness.likeness(copy, original) > likeness.HOLD_ABOVE
    assert likeness.likeness(own, original) < likeness.HOLD_ABOVE


@settings(deadline=None)
@given(sentences, st.text(alphabet="pqrstuvwxyz ", max_size=60))
def test_a_letter_has_no_more_own_runs_than_runs(model, added):
    letter = likeness.shingles(model + " " + added)
    assert 0 <= likeness.own_runs(letter, likeness.shingles(model)) <= len(letter)
    assert likeness.own_runs(likeness.shingles(model), likeness.shingles(model)) == 0


def test_a_sentence_of_ones_own_counts_and_a_filled_blank_does_not():
    model = "I work at the office. My caseload is [your caseload] and it is not safe. Please act now on staffing."
    filled = model.replace("[your caseload]", "sixty")
    added = filled + " Last week I stayed until nine at night to finish three court reports for the morning."
    m = likeness.shingles(model)
    assert likeness.own_runs(likeness.shingles(filled), m) < likeness.OWN_RUNS_AT_LEAST
    assert likeness.own_runs(likeness.shingles(added), m) >= likeness.OWN_RUNS_AT_LEAST


def test_invisible_characters_and_compatibility_forms_do_not_make_a_copy_new():
    """A copy with a zero-width space inside every word reads the same to its MP
    and measured 0.0 alike, so it was sent, not held (review finding)."""
    letter = ("Dear MP,\n\nCaseloads at the Harbour office have doubled since the spring and three officers "
              "have left without being replaced; the evening duty rota now runs on goodwill alone.\n\nYours sincerely,\nA member")
    disguised = letter.replace("a", "a\u200b").replace("e", "\u00ad\ufeffe").replace("Caseloads", "Ｃａｓｅｌｏａｄｓ")
    assert disguised != letter
    assert likeness.likeness(likeness.shingles(letter), likeness.shingles(disguised)) == 1.0


def test_a_thank_you_line_above_paragraphs_of_text_does_not_end_the_part_compared():
    copied = ("Probation officers across the region now carry caseloads far above the agreed ceiling, court reports are written "
              "late at night, agency staff come and go within weeks, and sickness absence has reached a level nobody in the service "
              "can remember; we ask you to raise this with the minister before the spending review closes, word for word.")
    a = f"Dear MP,\n\nMy own opening words about my office.\nThank you\n{copied}\n\nYours sincerely,\nA member"
    b = f"Dear MP,\n\nQuite different words of another writer.\nThank you\n{copied}\n\nYours sincerely,\nAnother member"
    assert "word for word" in likeness.letter_core(a)
    assert likeness.likeness(likeness.shingles(a), likeness.shingles(b)) > likeness.HOLD_ABOVE
    assert likeness.letter_core("Dear MP,\nMy words.\nYours sincerely,\nAlice Archer\n1 Mill Road\nNewcastle NE1 4ST") == "My words."


def test_a_copy_in_look_alike_letters_is_still_a_copy():
    """Cyrillic а, е, о, р, с for Latin a, e, o, p, c: the same letter to its MP, new words to a plain comparison."""
    letter = ("Dear MP,\n\nCaseloads at the Harbour office have doubled since the spring and three officers "
              "have left without being replaced; the evening duty rota now runs on goodwill alone.\n\nYours sincerely,\nA member")
    disguised = letter.translate(str.maketrans("aeopcACEOP", "аеорсАСЕОР"))
    assert disguised != letter and not set(likeness.words(letter)) - set(likeness.words(disguised)) - {"dear"}
    assert likeness.likeness(likeness.shingles(letter), likeness.shingles(disguised)) == 1.0
