"""The timeline tells the truth about what is new and what is empty, and keeps a clean address."""

import datetime as dt

from django.db.models import Max

from tests.conftest import make_article, make_position
from tracker.extraction.models import Position
from tracker.ingestion.models import Article

HTMX = {"HX-Request": "true"}


def test_show_new_reveals_a_back_dated_position_under_just_added(analyst_client, world):
    since = Position.objects.aggregate(top=Max("id"))["top"]
    old_news = make_article(
        title="Found in the archive",
        published=dt.date(2024, 1, 5),
        text="The Kremlin rejected air support in January 2024.",
    )
    added = make_position(old_news, "Kremlin", "air_support", "oppose", "rejected air support")
    poll = analyst_client.get(f"/timeline/new/?since={since}", headers=HTMX).content.decode()
    assert "1 new position — show" in poll and f"since={since}" in poll
    html = analyst_client.get(f"/?since={since}", headers=HTMX).content.decode()
    just_added = html.split('id="just-added"')[1].split("</section>")[0]
    assert f'id="new-position-{added.id}"' in just_added and "rejected air support" in just_added
    assert ">new</span>" in just_added


def test_before_extraction_the_empty_timeline_says_how_many_articles_wait(analyst_client, db):
    make_article(title="Waiting", text="Waiting for extraction.", state=Article.State.INGESTED)
    html = analyst_client.get("/").content.decode()
    assert "Extraction is running: 1 article is waiting." in html
    assert "Try a wider date range" not in html


def test_with_filters_the_empty_timeline_suggests_widening_them(analyst_client, world):
    html = analyst_client.get("/?proposal=no_fly_zone").content.decode()
    assert "Try a wider date range or clear a filter" in html


def test_the_filter_form_leaves_only_set_parameters_in_the_address(analyst_client, world):
    response = analyst_client.get(
        "/?proposal=&actor=&stance=oppose&language=&source=&date_from=&date_to=&review=",
        headers={**HTMX, "HX-Trigger": "filters"},
    )
    assert response["HX-Replace-Url"] == "/?stance=oppose"
    response = analyst_client.get(
        "/shifts/?proposal=&date_from=", headers={**HTMX, "HX-Trigger": "filters"}
    )
    assert response["HX-Replace-Url"] == "/shifts/"


def test_form_errors_name_the_fields_by_their_labels(analyst_client, world):
    html = analyst_client.get("/?date_from=yesterday").content.decode()
    assert "From: Enter a valid date." in html and "Date_from" not in html
    html = analyst_client.get("/matrix/?as_of=soon").content.decode()
    assert "As of: Enter a valid date." in html and "As_of" not in html
