"""A state's government named by its demonym and an institution noun ("the Romanian authorities",
"autorités roumaines", "rumänischer Behörden", "власти Румынии", "румунської влади", "السلطات
الرومانية") is the state: the catalogue holds these forms for every state, in the six languages.

The sentences are invented; each names the state only through such a phrase, in a case other than
the one the alias is written in where the language inflects.
"""

from datetime import date

import pytest

from tests.nlp.helpers import triples
from tracker.nlp.pipeline import extract
from tracker.nlp.resources import default_resources

CASES = [
    # (language, text, state, expected triple)
    (
        "en",
        "The Romanian authorities decided to transfer a Patriot system to Ukraine.",
        "Romania",
        ("Romania", "air_defense", "support"),
    ),
    (
        "en",
        "Portuguese officials said they are ready to send troops to Ukraine after a ceasefire.",
        "Portugal",
        ("Portugal", "ground_troops", "support"),
    ),
    (
        "fr",
        "Les autorités croates refusent d'envoyer des troupes en Ukraine.",
        "Croatia",
        ("Croatia", "ground_troops", "oppose"),
    ),
    (
        "de",
        "Nach Angaben griechischer Behörden sind keine Soldaten für die Ukraine vorgesehen.",
        "Greece",
        None,
    ),
    (
        "de",
        "Die slowenische Regierung lehnt die Entsendung von Truppen in die Ukraine ab.",
        "Slovenia",
        ("Slovenia", "ground_troops", "oppose"),
    ),
    (
        "ru",
        "Власти Хорватии отказались отправлять войска на Украину.",
        "Croatia",
        ("Croatia", "ground_troops", "oppose"),
    ),
    (
        "ru",
        "Португальское правительство готово направить миротворцев на Украину.",
        "Portugal",
        ("Portugal", "ground_troops", "support"),
    ),
    (
        "uk",
        "Представники румунської влади заявили, що готові передати Україні систему Patriot.",
        "Romania",
        None,
    ),
    (
        "uk",
        "Влада Португалії готова надіслати миротворців в Україну.",
        "Portugal",
        ("Portugal", "ground_troops", "support"),
    ),
    (
        "ar",
        "أعلنت السلطات البرتغالية استعدادها لإرسال قوات إلى أوكرانيا.",
        "Portugal",
        ("Portugal", "ground_troops", "support"),
    ),
]


@pytest.mark.parametrize("language,text,state,expected", CASES)
def test_a_demonym_and_an_institution_noun_name_the_state(language, text, state, expected):
    extraction = extract(
        text,
        language=language,
        published=date(2025, 8, 20),
        resources=default_resources(),
        model=None,
    )
    assert state in extraction.actors
    if expected is not None:
        assert expected in triples(text, language)


@pytest.mark.parametrize(
    "text,actor",
    [
        ("Die Vereinigten Staaten glauben nicht daran.", "United States"),
        ("Das teilte das deutsche Verteidigungsministerium mit.", "German Defence Ministry"),
        ("Das teilte das Außenministerium in Kiew mit.", "Ukrainian Foreign Ministry"),
    ],
)
def test_a_german_name_declines_with_its_article(text, actor):
    extraction = extract(
        text, language="de", published=date(2025, 8, 20), resources=default_resources(), model=None
    )
    assert actor in extraction.actors, extraction.actors


@pytest.mark.parametrize(
    "language,text",
    [
        ("uk", "Позиція угорської влади не змінилася."),
        ("uk", "Позиція влади Угорщини не змінилася."),
        ("ru", "Позиция венгерских властей не изменилась."),
        ("de", "Die Haltung der ungarischen Regierung hat sich nicht geändert."),
        ("fr", "La position des autorités hongroises n'a pas changé."),
        ("ar", "لم يتغير موقف الحكومة المجرية."),
        ("en", "The position of the Hungarian leadership has not changed."),
    ],
)
def test_the_inflected_forms_resolve(language, text):
    extraction = extract(
        text,
        language=language,
        published=date(2025, 8, 20),
        resources=default_resources(),
        model=None,
    )
    assert "Hungary" in extraction.actors


def _mentions(text, language):
    return extract(
        text, language=language, published=None, resources=default_resources(), model=None
    ).mentions


@pytest.mark.parametrize(
    "language, text, title, actor",
    [
        (
            "fr",
            "Le ministre français Jean-Noël Barrot a reçu son homologue allemand. Le ministre "
            "français a estimé que l'envoi de troupes ne devait pas être exclu.",
            "Le ministre français",
            "Jean-Noël Barrot",
        ),
        (
            "en",
            "Italian Prime Minister Giorgia Meloni met Zelensky. Later the Italian Prime Minister "
            "said Rome would not send troops.",
            "Italian Prime Minister",
            "Giorgia Meloni",
        ),
        (
            "ru",
            "Президент США Дональд Трамп выступил в Белом доме. Заявление президента США "
            "стало поворотным.",
            "президента США",
            "Donald Trump",
        ),
    ],
)
def test_a_title_used_again_names_the_person_who_bore_it(language, text, title, actor):
    mentions = _mentions(text, language)
    (named,) = [m for m in mentions if m.text == title]
    assert named.actor == actor and named.rule.startswith("title:")
    # The state inside the title ("США") gives way to the person.
    assert [m for m in mentions if m.start < named.end and named.start < m.end] == [named]


def test_a_title_borne_by_two_persons_names_neither():
    text = (
        "Der russische Präsident Wladimir Putin und der ukrainische Präsident Wolodymyr "
        "Selenskyj telefonierten. Der Präsident lehnte Bodentruppen ab."
    )
    assert not [m for m in _mentions(text, "de") if m.rule.startswith("title")]
    # Before its bearer is named with it, a title names nobody.
    text = "Der französische Präsident sprach. Der französische Präsident Emmanuel Macron kam."
    assert [m.text for m in _mentions(text, "de") if m.rule.startswith("title")] == []


@pytest.mark.parametrize(
    "language, text",
    [
        (
            "ru",
            "«Коалиция желающих» провела встречу в Париже. Участники коалиции подтвердили "
            "готовность направить войска на Украину.",
        ),
        (
            "de",
            "Die Koalition der Willigen traf sich in Paris. Die Koalition ist bereit, Truppen in "
            "die Ukraine zu entsenden.",
        ),
    ],
)
def test_the_coalition_once_named_is_the_coalition_again(language, text):
    assert ("Coalition of the Willing", "ground_troops", "support") in triples(text, language)


def test_a_coalition_never_named_is_not_the_coalition_of_the_willing():
    text = "Die Koalition in Berlin ist bereit, Truppen in die Ukraine zu entsenden."
    assert "Coalition of the Willing" not in {m.actor for m in _mentions(text, "de")}


@pytest.mark.parametrize(
    "language, text, office, actor",
    [
        (
            "uk",
            "Дональд Трамп дав інтерв'ю. Водночас глава Білого дому наголосив, що в Україні не "
            "буде американських військових.",
            "глава Білого дому",
            "Donald Trump",
        ),
        (
            "de",
            "Pete Hegseth sprach in Brüssel. Truppen seien nötig, erklärte der Pentagon-Chef.",
            "Pentagon-Chef",
            "Pete Hegseth",
        ),
        (
            "ar",
            "التقى دونالد ترامب بالصحفيين. وقال الرئيس الأمريكي إن القوات لن ترسل.",
            "الرئيس الأمريكي",
            "Donald Trump",
        ),
    ],
)
def test_an_office_names_its_holder_once_the_article_has_named_them(language, text, office, actor):
    named = [m for m in _mentions(text, language) if m.text == office]
    assert [m.actor for m in named] == [actor], _mentions(text, language)


def test_an_office_two_named_persons_held_names_neither():
    text = (
        "Joe Biden and Donald Trump met at the White House. The US president said troops "
        "would not be sent."
    )
    assert "US president" not in {m.text for m in _mentions(text, "en")}
    # Nor before its holder is named; the body inside the office is still named then.
    assert "US president" not in {m.text for m in _mentions("The US president spoke.", "en")}
    found = [(m.text, m.actor) for m in _mentions("Глава Пентагона заявил о войсках.", "ru")]
    assert found == [("Пентагона", "Pentagon")]
