"""Timeline filters: each one, combined, children included, keyset paging, bad input, the "new" poll."""

import datetime as dt

import pytest

from tests.conftest import make_article, make_position
from tracker.ingestion.models import Source


def positions_in(html: str, *needles: str) -> list[bool]:
    return [needle in html for needle in needles]


def test_actor_filter_includes_its_children(analyst_client, world, catalogue):
    html = analyst_client.get(f"/?actor={catalogue['Russia'].id}").content.decode()
    assert positions_in(html, "rejected any Western air support", "رفضها القاطع", "Patriot") == [
        True,
        True,
        False,
    ]


def test_stance_language_and_date_filters_combine(analyst_client, world):
    html = analyst_client.get("/?stance=oppose&language=en").content.decode()
    assert positions_in(
        html, "rejected any Western", "رفضها القاطع", "considering air support"
    ) == [True, False, False]
    html = analyst_client.get("/?date_from=2025-08-10&date_to=2025-08-31").content.decode()
    assert positions_in(
        html, "rejected any Western", "considering air support", "رفضها", "Patriot"
    ) == [False, True, True, False]


def test_source_filter(analyst_client, world):
    wire = Source.objects.create(name="Wire")
    article = make_article(
        title="Wire", source=wire, text="NATO weighs a no-fly zone.", published=dt.date(2025, 9, 2)
    )
    make_position(article, "Donald Trump", "no_fly_zone", "considering", "weighs a no-fly zone")
    html = analyst_client.get(f"/?source={wire.id}").content.decode()
    assert "weighs a no-fly zone" in html and "Patriot" not in html


def test_review_status_filter_and_rejected_hidden_by_default(analyst_client, world):
    world["trump"].review_status = "rejected"
    world["trump"].save()
    assert "Patriot" not in analyst_client.get("/").content.decode()
    assert "Patriot" in analyst_client.get("/?review=rejected").content.decode()
    world["mfa"].review_status = "confirmed"
    world["mfa"].save()
    html = analyst_client.get("/?review=confirmed").content.decode()
    assert "رفضها القاطع" in html and "rejected any Western" not in html


def test_positions_are_grouped_by_day_newest_first(analyst_client, world):
    html = analyst_client.get("/").content.decode()
    days = [
        "Monday 1 September 2025",
        "Wednesday 20 August 2025",
        "Tuesday 19 August 2025",
        "Friday 1 August 2025",
    ]
    offsets = [html.index(day) for day in days]
    assert offsets == sorted(offsets)


def test_keyset_pagination_walks_every_position_once(analyst_client, world):
    seen, url = [], "/?limit=1"
    for _ in range(10):
        response = analyst_client.get(url, headers={"HX-Request": "true"})
        html = response.content.decode()
        seen += [
            p
            for p in ("Patriot", "رفضها", "considering air support", "rejected any Western")
            if p in html
        ]
        if 'class="load-more"' not in html:
            break
        url = "/" + html.split('class="load-more" href="')[1].split('"')[0].replace("&amp;", "&")
    assert seen == ["Patriot", "رفضها", "considering air support", "rejected any Western"]


def test_a_later_page_with_htmx_returns_only_the_rows(analyst_client, world):
    cursor = f"{world['trump'].timeline_date}_{world['trump'].id}"
    html = analyst_client.get(f"/?after={cursor}", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in html and 'id="entries"' not in html
    assert "Patriot" not in html and "رفضها القاطع" in html


@pytest.mark.parametrize(
    "query",
    [
        "actor=999999",
        "actor=abc",
        "actor=-1",
        "date_from=2025-13-45",
        "date_from=yesterday",
        "date_from=2025-09-01&date_to=2025-08-01",
        "limit=100000",
        "limit=-5",
        "limit=0",
        "after=garbage",
        "after=2025-08-01_-4",
        "stance=maybe",
        "language=xx",
        "source=424242",
        "review=lost",
        "format=xml",
        "proposal=" + "x" * 5000,
    ],
)
def test_bad_filter_values_are_a_400_never_a_500(analyst_client, world, query):
    response = analyst_client.get(f"/?{query}")
    assert response.status_code == 400
    assert "could not be used" in response.content.decode()


def test_bad_filters_with_htmx_return_the_error_fragment(analyst_client, world):
    response = analyst_client.get("/?date_from=nope", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 400 and html.lstrip().startswith('<section id="entries"')
    assert "Enter a valid date" in html


def test_the_filter_form_shows_the_selected_values(analyst_client, world, catalogue):
    html = analyst_client.get(
        f"/?proposal=air_support&actor={catalogue['Kremlin'].id}"
    ).content.decode()
    assert '<option value="air_support" selected>' in html
    assert f'<option value="{catalogue["Kremlin"].id}" selected>' in html
    # The form applies itself after a change, and the server sets a clean address (HX-Replace-Url).
    assert 'hx-trigger="change delay:400ms, submit"' in html


def test_new_positions_poll_counts_only_matching_positions_saved_since(analyst_client, world):
    since = world["trump"].id
    assert (
        "new position" not in analyst_client.get(f"/timeline/new/?since={since}").content.decode()
    )
    article = make_article(
        title="Later", text="Trump backs air support.", published=dt.date(2025, 7, 1)
    )
    make_position(article, "Donald Trump", "air_support", "support", "backs air support")
    html = analyst_client.get(f"/timeline/new/?since={since}").content.decode()
    assert "1 new position" in html
    html = analyst_client.get(
        f"/timeline/new/?since={since}&proposal=ground_troops"
    ).content.decode()
    assert "new position" not in html
    assert analyst_client.get("/timeline/new/?since=x").status_code == 400
