"""Normalisation and morphology per language: the same key for a name or cue in all its forms."""

from tracker.nlp.normalize import fold, sanitize, tokenize
from tracker.nlp.normalize.arabic import orthographic
from tracker.nlp.normalize.document import MAX_SENTENCE_TOKENS, Document
from tracker.nlp.normalize.european import EuropeanAnalyzer
from tracker.nlp.normalize.slavic import slavic_key
from tracker.nlp.resources import Hit, default_resources, resolve_overlaps


def keys(language, text):
    pack = default_resources().packs[language]
    return [pack.analyzer.actor_key(t.surface) for t in tokenize(text) if t.kind == "word"]


def test_arabic_orthography_unifies_alef_teh_marbuta_and_drops_tashkeel():
    assert orthographic("أُوكْرَانِيَا") == orthographic("اوكرانيا")
    assert orthographic("مستعدّة") == "مستعده"
    assert orthographic("مـــستعد") == "مستعد"


def test_arabic_proclitics_are_stripped_only_to_known_entries():
    same = set(keys("ar", "الناتو والناتو للناتو بالناتو"))
    assert len(same) == 1
    assert keys("ar", "للكرملين")[0] == keys("ar", "الكرملين")[0]
    # وارسو begins with و but is a name, not و + ارسو
    assert keys("ar", "وارسو")[0] == keys("ar", "ووارسو")[0]


def test_arabic_attached_pronoun_is_stripped_from_a_known_cue():
    pack = default_resources().packs["ar"]
    assert pack.analyzer.lex_key("رفضها") == pack.analyzer.lex_key("رفض")


def test_russian_names_agree_across_cases():
    assert len({slavic_key("ru", w) for w in ("Трамп", "Трампа", "Трампу", "Трампом")}) == 1
    assert len({slavic_key("ru", w) for w in ("Песков", "Пескова", "Пескову")}) == 1
    assert len({slavic_key("ru", w) for w in ("Захарова", "Захаровой")}) == 1
    assert slavic_key("ru", "русский") != slavic_key("ru", "Россия")


def test_ukrainian_names_agree_across_cases_including_vowel_alternation():
    assert slavic_key("uk", "Зеленського") == slavic_key("uk", "Зеленський")
    assert len({slavic_key("uk", w) for w in ("Київ", "Києва", "Києві")}) == 1
    assert slavic_key("uk", "Сибіги") == slavic_key("uk", "Сибіга")


def test_german_genitive_and_compounds():
    de = EuropeanAnalyzer("de")
    assert de.actor_key("Kremls") == de.actor_key("Kreml")
    assert de.actor_key("Europäer") != de.actor_key("europäische")
    # an adjective or participle in a name declines: one key for its endings
    assert len({de.actor_key(w) for w in ("Vereinigte", "Vereinigten", "Vereinigter")}) == 1
    assert len({de.actor_key(w) for w in ("deutsches", "deutsche", "deutschen", "deutschem")}) == 1
    assert de.actor_key("Staaten") == de.actor_key("Staat")
    assert de.lex_key("Bodentruppen").endswith("trupp")
    assert de.lex_key("Luftverteidigungssysteme").startswith(de.lex_key("Luftverteidigung"))


def test_french_elision_is_split_with_both_apostrophes():
    fr = EuropeanAnalyzer("fr")
    assert fr.split("l'OTAN") == [(0, 2), (2, 6)]
    assert fr.split("d\u2019Ukraine") == [(0, 2), (2, 9)]
    assert fr.actor_key("OTAN") == "otan"


def test_english_possessive_is_split():
    en = EuropeanAnalyzer("en")
    assert en.split("NATO\u2019s") == [(0, 4), (4, 6)]
    assert en.lex_key("troops") == en.lex_key("troop")


def test_sanitize_keeps_offsets_and_removes_surrogates_and_controls():
    text = "a\ud800b\x00c"
    clean = sanitize(text)
    assert len(clean) == len(text)
    clean.encode("utf-8")


def test_fold_is_the_one_lenient_key_for_words_names_and_aliases():
    assert fold("Élysée") == fold("ELYSEE") == "elysee"
    assert fold("Straße") == "strasse"
    assert fold("ﬁnal") == "final"  # compatibility ligature
    assert fold("الضَّمَانَات") == fold("الضمانـــات") == "الضمانات"  # tashkeel and tatweel
    assert fold("Зеленський") == fold("зеленськии")  # й keeps only its base letter
    assert fold("  Donald\n  Trump ") == "donald trump"


def test_an_alias_is_stored_under_the_same_key_the_pipeline_folds_it_to(db):
    from tracker.extraction.models import Actor, ActorAlias

    actor = Actor.objects.create(name="Test actor", kind="state")
    alias = ActorAlias.objects.create(actor=actor, text="  Прези́дент\tУкраїни ", language="uk")
    assert alias.normalized == fold(alias.text) == "президент украіни"


def test_sentences_end_at_punctuation_and_long_runs_are_cut_after_their_last_clause_mark():
    resources = default_resources()
    words = ["word"] * (MAX_SENTENCE_TOKENS - 1)
    run = " ".join(words[:80]) + ", " + " ".join(words[80:]) + " " + " ".join(["more"] * 100)
    text = f"Mr. Macron spoke. «Troops,» he said!\n\nNew paragraph {run} end."
    doc = Document.build(text, "en", resources.packs["en"], resources)
    surfaces = [t.surface for t in doc.tokens]
    spans = [surfaces[a:b] for a, b in doc.sentences]
    assert spans[0] == ["Mr", ".", "Macron", "spoke", "."]  # no end after an abbreviation
    assert spans[1] == ["«", "Troops", ",", "»", "he", "said", "!"]
    assert doc.paragraph_of_sentence[:2] == [0, 0] and doc.paragraph_of_sentence[3] == 1
    # The run of words reaches the limit: it is cut after its comma, not in the middle.
    long_one = spans[3]
    assert long_one[-1] == "," and len(long_one) < MAX_SENTENCE_TOKENS
    assert all(b - a <= MAX_SENTENCE_TOKENS for a, b in doc.sentences)
    assert [k for a, b in doc.sentences for k in range(a, b)] == list(range(len(doc.tokens)))
    assert doc.quotes == [(surfaces.index("«") + 1, surfaces.index("»"))]


def test_longest_hit_wins_and_same_span_entries_are_all_kept_in_text_order():
    hits = [
        Hit(4, 5, ("support",)),
        Hit(2, 4, ("proposal",)),
        Hit(3, 4, ("oppose",)),  # inside the longer hit: dropped
        Hit(4, 5, ("modality",)),  # the same word in two categories: both kept
        Hit(0, 1, ("negation",)),
    ]
    assert resolve_overlaps(hits) == [hits[4], hits[1], hits[0], hits[3]]


def test_an_elided_word_alone_in_an_entry_is_keyed_as_in_text():
    # "qu'" (complementizer) and "n'" (negation) are entries of their own; in text the elision is
    # split off the next word ("qu'il", "n’a"), straight or curly apostrophe alike.
    resources = default_resources()
    doc = Document.build(
        "Le ministre a dit qu’il n'enverrait pas de troupes.",
        "fr",
        resources.packs["fr"],
        resources,
    )
    found = {(doc.span_text(h.start, h.end), h.payload[0]) for h in doc.cues}
    assert ("qu’", "complementizer") in found
    assert ("n'", "negation") in found


def test_an_editors_note_in_direct_speech_neither_ends_the_sentence_nor_the_quote():
    resources = default_resources()
    text = (
        "– Коли йдеться про гарантії, вони (країни Європи, – Ред.) готові розмістити людей. "
        "Ми готові допомогти, – пояснив президент."
    )
    doc = Document.build(text, "uk", resources.packs["uk"], resources)
    surfaces = [t.surface for t in doc.tokens]
    # "Ред." is an abbreviation: the lowercase word after its bracket goes on the sentence.
    assert doc.sentence_of[surfaces.index("вони")] == doc.sentence_of[surfaces.index("людей")]
    # The dash after "Європи," is the editor's, inside brackets: the speech runs to "допомогти,".
    assert doc.quotes == [(1, surfaces.index("допомогти") + 1)]
