"""Search: PostgreSQL full text in each article's language, trigram actor names, bad input."""

import datetime as dt

from tests.conftest import make_article


def articles():
    make_article(
        title="Перемирие",
        language="ru",
        published=dt.date(2025, 8, 2),
        text="Кремль отверг размещение миротворцев после перемирия.",
    )
    make_article(
        title="Guarantees",
        language="en",
        published=dt.date(2025, 8, 3),
        text="Leaders discussed guaranteeing Ukraine's security with troops.",
    )
    make_article(
        title="Гарантії",
        language="uk",
        published=dt.date(2025, 8, 4),
        text="Київ наполягає на гарантіях безпеки.",
    )
    make_article(
        title="الضمانات",
        language="ar",
        published=dt.date(2025, 8, 5),
        text="ناقش القادة الضمانات الأمنية لأوكرانيا.",
    )


def test_english_search_is_stemmed(analyst_client, db):
    articles()
    html = analyst_client.get("/search/?q=guarantee").content.decode()
    assert ">Guarantees</a>" in html and "Перемирие" not in html


def test_russian_search_matches_another_case_form(analyst_client, db):
    articles()
    html = analyst_client.get("/search/?q=перемирие").content.decode()
    assert ">Перемирие</a>" in html  # the text says "перемирия"


def test_ukrainian_uses_the_simple_configuration(analyst_client, db):
    articles()
    assert ">Гарантії</a>" in analyst_client.get("/search/?q=гарантіях").content.decode()
    assert ">Гарантії</a>" in analyst_client.get("/search/?q=Київ&language=uk").content.decode()
    assert ">Гарантії</a>" not in analyst_client.get("/search/?q=Київ&language=ru").content.decode()


def test_arabic_search(analyst_client, db):
    articles()
    assert "الضمانات</a>" in analyst_client.get("/search/?q=الضمانات").content.decode()


def test_arabic_search_finds_a_word_inflected_differently_from_the_text(db):
    from tracker.dashboard.queries import search_articles

    articles()  # the Arabic text says الضمانات ("the guarantees")
    make_article(
        title="بيان",
        language="ar",
        published=dt.date(2025, 8, 6),
        text="طالبت كييف بضمانات أمنية ملزمة.",  # "guarantees", with the preposition بـ
        url="https://example.org/bayan",
    )
    make_article(
        title="خبر",
        language="ar",
        published=dt.date(2025, 8, 7),
        text="قالت الحكومة إن ضمانات الحلفاء كافية.",  # "guarantees", bare
        url="https://example.org/khabar",
    )

    def titles(q):
        return {a.title for a in search_articles(q, None, 0, 10)}

    everywhere = {"الضمانات", "بيان", "خبر"}
    assert titles("ضمانات") == everywhere  # bare, as against the text's الضمانات
    assert titles("الضمانات") == everywhere  # definite, as against بضمانات and ضمانات
    assert titles("أمنية") == {"الضمانات", "بيان"}  # the text says الأمنية and أمنية


def test_actor_names_match_approximately(analyst_client, world):
    html = analyst_client.get("/search/?q=Kremlim").content.decode()  # a typo
    assert ">Kremlin</a>" in html
    html = analyst_client.get("/search/?q=Trump").content.decode()
    assert ">Donald Trump</a>" in html


def test_htmx_search_returns_the_results_fragment(analyst_client, db):
    articles()
    html = analyst_client.get(
        "/search/?q=guarantee", headers={"HX-Request": "true"}
    ).content.decode()
    assert html.lstrip().startswith('<section id="results"') and "<mark>" in html


def test_search_oddities_are_not_errors(analyst_client, db):
    articles()
    for q in ["'", '"unclosed', "a & | ! :*", "-", "OR OR", "<script>"]:
        response = analyst_client.get("/search/", {"q": q})
        assert response.status_code == 200
        assert "<script>" not in response.content.decode().split("<main")[1]
    assert analyst_client.get("/search/", {"q": "x" * 500}).status_code == 400
    assert analyst_client.get("/search/?q=a&page=-1").status_code == 400


def test_an_empty_result_is_a_sentence_not_a_numbered_item(analyst_client, world):
    html = analyst_client.get("/search/?q=zzzzqqqq").content.decode()
    assert '<p class="empty">No article matches “zzzzqqqq”.</p>' in html
    assert '<ol class="results">' not in html
