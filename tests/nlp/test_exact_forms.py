"""Lexicon words marked "=" match their own form only, "==" their own case too: stems that stand
for two words ("bereit"/"bereits", "notamment"/"noté", "including"/"include") no longer let an
entry fire on the other word."""

import pytest

from tracker.nlp.normalize.document import Document
from tracker.nlp.resources import (
    DEFAULT_DATA_DIR,
    LexiconRecord,
    Resources,
    default_resources,
    read_lexicon_records,
)


def cues(text, language, resources=None):
    """(surface, category, entry) of the cues found in ``text``."""
    resources = resources or default_resources()
    doc = Document.build(text, language, resources.packs[language], resources)
    return {(doc.span_text(h.start, h.end), h.payload[0], h.payload[2]) for h in doc.cues}


def lexicon(language, *entries):
    return Resources.from_records(
        [], [LexiconRecord(language, category, None, text) for category, text in entries]
    )


def test_an_exact_word_fires_on_its_own_form_in_any_case_but_not_on_its_stem_siblings():
    stem = lexicon("de", ("support", "bereit"))
    exact = lexicon("de", ("support", "=bereit"))
    # "bereits" (already) has the stem of "bereit" (ready): the plain entry cannot tell them apart
    assert cues("Sie sind bereits da.", "de", stem) == {("bereits", "support", "bereit")}
    assert cues("Sie sind bereits da.", "de", exact) == set()
    assert cues("Bereit sind sie.", "de", exact) == {("Bereit", "support", "=bereit")}


def test_an_exact_word_keeps_its_accents_and_marks_one_word_of_a_phrase():
    resources = lexicon("de", ("modality", "=hätte"), ("support", "=bereit zu"))
    assert cues("Er hätte es getan, er hatte es getan.", "de", resources) == {
        ("hätte", "modality", "=hätte")
    }
    assert cues("bereit zu helfen, bereits zu spät", "de", resources) == {
        ("bereit zu", "support", "=bereit zu")
    }


def test_a_doubled_mark_keeps_the_words_case_a_capital_first_letter_allowed():
    cased = lexicon("en", ("pronoun_we", "==us"))
    folded = lexicon("en", ("pronoun_we", "=us"))
    text = "Let us go. Us too. No US troops."
    assert cues(text, "en", cased) == {("us", "pronoun_we", "==us"), ("Us", "pronoun_we", "==us")}
    assert ("US", "pronoun_we", "=us") in cues(text, "en", folded)


@pytest.mark.parametrize("text", ["=*truppen", "=boden*", "= bodentruppen ="])
def test_a_mark_on_a_wildcard_side_or_before_no_word_is_ignored(text):
    resources = Resources.from_records([], [LexiconRecord("de", "proposal", "ground_troops", text)])
    doc = Document.build("Die Bodentruppen", "de", resources.packs["de"], resources)
    assert [doc.span_text(h.start, h.end) for h in doc.proposal_hits] == ["Bodentruppen"]


@pytest.mark.parametrize(
    ("text", "language", "absent", "present"),
    [
        # "bereits" (already) is past, never support; "bereit" (ready) still is
        (
            "Deutschland hat bereits Truppen geschickt und ist bereit zu helfen.",
            "de",
            ("bereits", "support", "=bereit"),
            ("bereit zu", "support", "=bereit zu"),
        ),
        (
            "Deutschland hat bereits Truppen geschickt.",
            "de",
            ("bereits", "support", "=bereit"),
            ("bereits", "past", "=bereits"),
        ),
        # the subjunctive "hätte" is a modal, not the past "hatte"
        (
            "Berlin hätte Truppen geschickt.",
            "de",
            ("hätte", "past", "=hatte"),
            ("hätte", "modality", "=hätte"),
        ),
        (
            "Berlin hatte Truppen geschickt.",
            "de",
            ("hatte", "modality", "=hätte"),
            ("hatte", "past", "=hatte"),
        ),
        # the future "sera" is not the conditional "serait"
        (
            "La force sera déployée, elle serait utile.",
            "fr",
            ("sera", "modality", "=serait"),
            ("serait", "modality", "=serait"),
        ),
        # "a noté que" opens no list of examples; "notamment" does
        (
            "Macron a noté que des pays, notamment la France, enverront des troupes.",
            "fr",
            ("noté", "example", "=notamment"),
            ("notamment", "example", "=notamment"),
        ),
        # a book is not a delivery
        (
            "Son livre paraît; Paris est prêt à livrer des avions.",
            "fr",
            ("livre", "support", "=livrer"),
            ("livrer", "support", "=livrer"),
        ),
        # "include" opens no list of examples; "including" does
        (
            "Guarantees could include a presence on land, including troops.",
            "en",
            ("include", "example", "=including"),
            ("including", "example", "=including"),
        ),
        # the verb backs what it proposes; the noun is only a consideration
        (
            "He proposed a force.",
            "en",
            ("proposed", "considering", "=proposal"),
            ("proposed", "support", "=proposed"),
        ),
        # the country is not the pronoun
        (
            "There will be no US ground troops, he told us.",
            "en",
            ("US", "pronoun_we", "==us"),
            ("us", "pronoun_we", "==us"),
        ),
    ],
)
def test_shipped_lexicons_tell_stem_siblings_apart(text, language, absent, present):
    found = cues(text, language)
    assert absent not in found
    assert present in found


def test_the_shipped_lexicons_mark_words_only_as_the_format_says():
    """Every marked entry is a word form with "=" or "==" before it: no "=" is left as a key."""
    records = read_lexicon_records(DEFAULT_DATA_DIR / "lexicons")
    marked = [r for r in records if "=" in r.text]
    assert marked
    resources = default_resources()
    for record in marked:
        pack = resources.packs[record.language]
        doc = Document.build(record.text.replace("=", ""), record.language, pack, resources)
        assert any(h.payload[2] == record.text for h in doc.cues + doc.proposal_hits), record


def test_lexicon_words_that_yaml_1_1_would_read_as_booleans_stay_words(tmp_path):
    """ "- no" and "- on" are the words, not False and True (which became the entries "False" and
    "True" and left English without its commonest negation)."""
    (tmp_path / "en.yaml").write_text(
        "language: en\nnegation:\n  - no\n  - off\nlocative:\n  - on\n  - 1945\n", encoding="utf-8"
    )
    texts = {(r.category, r.text) for r in read_lexicon_records(tmp_path)}
    assert texts == {
        ("negation", "no"),
        ("negation", "off"),
        ("locative", "on"),
        ("locative", "1945"),
    }
    assert ("No", "negation", "no") in cues("No troops will be sent.", "en")
