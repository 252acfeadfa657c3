"""The timeline: login, newest first, filters as htmx partials, right-to-left Arabic, escaping."""

import datetime as dt

from tests.conftest import make_article, make_position


def seed_positions():
    ar = make_article(
        title="الناتو",
        language="ar",
        published=dt.date(2025, 8, 20),
        text="أكدت وزارة الخارجية الروسية رفضها القاطع لأي انتشار لقوات من دول أعضاء في الناتو.",
    )
    en = make_article(
        title="Patriots",
        published=dt.date(2025, 9, 1),
        text="Trump said the United States would send Patriot air defense systems. <script>alert(1)</script>",
    )
    make_position(
        ar, "Russian Foreign Ministry", "ground_troops", "oppose", "رفضها القاطع لأي انتشار لقوات"
    )
    make_position(
        en,
        "Donald Trump",
        "air_defense",
        "support",
        "would send Patriot air defense systems. <script>alert(1)</script>",
    )
    return ar, en


def test_the_timeline_requires_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_lists_positions_newest_first(analyst_client):
    seed_positions()
    html = analyst_client.get("/").content.decode()
    assert html.index("Donald Trump") < html.index("Russian Foreign Ministry")
    assert 'dir="rtl"' in html
    assert "رفضها القاطع" in html


def test_article_text_is_escaped(analyst_client):
    seed_positions()
    html = analyst_client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_filtering_by_proposal_with_htmx_returns_only_the_list(analyst_client):
    seed_positions()
    response = analyst_client.get("/?proposal=ground_troops", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="entries"')
    assert "<html" not in html
    assert "Russian Foreign Ministry" in html and "Donald Trump" not in html


def test_filtering_by_actor_works_without_javascript(analyst_client):
    seed_positions()
    from tracker.extraction.models import Actor

    trump = Actor.objects.get(name="Donald Trump")
    html = analyst_client.get(f"/?actor={trump.id}").content.decode()
    assert "<html" in html
    assert "would send Patriot" in html and "رفضها القاطع" not in html


def test_unknown_filter_values_are_a_400_with_a_message_not_an_error(analyst_client):
    seed_positions()
    response = analyst_client.get("/?proposal=teleportation&actor=-3")
    assert response.status_code == 400
    assert "Some filters could not be used" in response.content.decode()


def test_the_article_page_reads_right_to_left(analyst_client):
    ar, _ = seed_positions()
    html = analyst_client.get(f"/articles/{ar.id}/").content.decode()
    assert 'dir="rtl"' in html and "Russian Foreign Ministry" in html


def test_a_user_without_the_analyst_permission_is_refused(client, nobody):
    client.force_login(nobody)
    assert client.get("/").status_code == 403
