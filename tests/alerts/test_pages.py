"""The watchlist, notification and webhook pages, and who may see what on them."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from tests.alerts.conftest import article, extract_and_match, watch
from tests.conftest import grant
from tracker.alerts.models import Alert, Watchlist, Webhook

TROOPS = "Germany said it is ready to consider sending ground troops to Ukraine."


def _id(name):
    from tracker.extraction.models import Actor

    return Actor.objects.get(name=name).id


def test_watch_this_view_saves_the_timelines_filters(analyst_client, alice):
    germany = _id("Germany")
    timeline = analyst_client.get(f"/?proposal=ground_troops&actor={germany}")
    link = re.search(r'class="watch-view" href="([^"]+)"', timeline.content.decode()).group(1)
    link = link.replace("&amp;", "&")
    assert link == f"/alerts/watchlists/new/?proposal=ground_troops&actor={germany}&from=timeline"
    form = analyst_client.get(link)
    assert form.status_code == 200
    html = form.content.decode()
    assert '<option value="ground_troops" selected>' in html
    assert f'<option value="{germany}" selected>' in html
    response = analyst_client.post(
        "/alerts/watchlists/new/",
        {
            "name": "Germany on troops",
            "proposal": "ground_troops",
            "actor": germany,
            "with_children": "on",
            "on_position": "on",
            "on_shift": "on",
            "min_confidence": "0.5",
            "one_per_story": "on",
            "email": "off",
        },
    )
    assert response.status_code == 302
    watchlist = Watchlist.objects.get()
    assert watchlist.owner == alice
    assert watchlist.filters == {"proposal": "ground_troops", "actor": str(germany)}
    assert watchlist.keys.exists()
    opened = analyst_client.get(f"/alerts/watchlists/{watchlist.id}/")
    assert opened["Location"] == f"/?proposal=ground_troops&actor={germany}"


def test_bad_filters_are_refused_with_the_reason(analyst_client):
    response = analyst_client.post(
        "/alerts/watchlists/new/",
        {
            "name": "x",
            "actor": "999999",
            "on_position": "on",
            "min_confidence": "0",
            "email": "off",
        },
    )
    assert response.status_code == 400
    assert "There is no actor with this id." in response.content.decode()
    assert not Watchlist.objects.exists()


def test_the_shifts_and_search_pages_offer_the_button(analyst_client):
    shifts = analyst_client.get("/shifts/?proposal=air_support").content.decode()
    assert "/alerts/watchlists/new/?proposal=air_support&amp;from=shifts" in shifts
    assert (
        analyst_client.get("/alerts/watchlists/new/?proposal=air_support&from=shifts").status_code
        == 200
    )


def test_edit_pause_and_delete_are_the_owners_alone(client, analyst_client, alice):
    watchlist = watch(alice, name="Mine", proposal="ground_troops")
    bob = grant(
        get_user_model().objects.create_user("bob", password="x" * 12), "extraction.view_position"
    )
    other = type(client)()
    other.force_login(bob)
    assert other.get(f"/alerts/watchlists/{watchlist.id}/edit/").status_code == 404
    assert other.post(f"/alerts/watchlists/{watchlist.id}/pause/").status_code == 404
    assert other.post(f"/alerts/watchlists/{watchlist.id}/delete/").status_code == 404

    assert analyst_client.post(f"/alerts/watchlists/{watchlist.id}/pause/").status_code == 302
    watchlist.refresh_from_db()
    assert watchlist.paused
    response = analyst_client.post(
        f"/alerts/watchlists/{watchlist.id}/edit/",
        {
            "name": "Renamed",
            "proposal": "air_support",
            "on_shift": "on",
            "min_confidence": "0",
            "email": "digest",
        },
    )
    assert response.status_code == 302
    watchlist.refresh_from_db()
    assert (watchlist.name, watchlist.filters, watchlist.email) == (
        "Renamed",
        {"proposal": "air_support"},
        "digest",
    )
    assert analyst_client.post(f"/alerts/watchlists/{watchlist.id}/delete/").status_code == 302
    assert not Watchlist.objects.exists()


def test_state_changes_need_a_post_with_csrf(alice):
    from django.test import Client

    watchlist = watch(alice)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert strict.post(f"/alerts/watchlists/{watchlist.id}/delete/").status_code == 403
    assert strict.get(f"/alerts/watchlists/{watchlist.id}/delete/").status_code == 405
    assert Watchlist.objects.exists()


def test_notifications_show_the_evidence_and_the_header_counts_unread(analyst_client, alice):
    watch(alice, name="Troops")
    extract_and_match(article(TROOPS), ("Germany", "ground_troops", "considering", TROOPS))
    unread = analyst_client.get("/alerts/unread/", headers={"HX-Request": "true"})
    assert '<span class="unread-count" aria-label="1 unread">1</span>' in unread.content.decode()
    page = analyst_client.get("/alerts/").content.decode()
    assert TROOPS in page and "Germany takes a first position" in page
    assert 'class="badge new"' in page
    after = analyst_client.get("/alerts/unread/").content.decode()
    assert "unread-count" not in after  # opening the page read them


def test_a_shared_watchlists_alerts_reach_group_members_who_may_read(client, alice):
    group = Group.objects.create(name="Desk")
    watchlist = watch(alice, name="Shared")
    watchlist.shared_with = group
    watchlist.save()
    reader = grant(
        get_user_model().objects.create_user("rita", password="x" * 12), "extraction.view_position"
    )
    reader.groups.add(group)
    outsider = get_user_model().objects.create_user("otto", password="x" * 12)
    outsider.groups.add(group)
    extract_and_match(article(TROOPS), ("Germany", "ground_troops", "considering", TROOPS))
    client.force_login(reader)
    assert TROOPS in client.get("/alerts/").content.decode()
    assert "Shared" in client.get("/alerts/watchlists/").content.decode()
    client.force_login(outsider)
    assert client.get("/alerts/").status_code == 403
    assert client.get("/alerts/unread/").status_code == 403


def test_adding_a_webhook_shows_its_secret_once(analyst_client, alice):
    watchlist = watch(alice)
    refused = analyst_client.post(
        f"/alerts/watchlists/{watchlist.id}/webhooks/", {"url": "http://127.0.0.1/x"}
    )
    assert refused.status_code == 400 and "loopback" in refused.content.decode()
    # example.org resolves to public addresses; without network the form says DNS failed.
    made = analyst_client.post(
        f"/alerts/watchlists/{watchlist.id}/webhooks/", {"url": "https://93.184.215.14/hook"}
    )
    assert made.status_code == 200
    hook = Webhook.objects.get()
    assert hook.secret.startswith("whsec_") and hook.secret in made.content.decode()
    edit = analyst_client.get(f"/alerts/watchlists/{watchlist.id}/edit/").content.decode()
    assert hook.secret not in edit and "https://93.184.215.14/hook" in edit
    assert analyst_client.get(f"/alerts/webhooks/{hook.id}/").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/alerts/",
        "/alerts/unread/",
        "/alerts/watchlists/",
        "/alerts/watchlists/new/",
        "/alerts/feeds/",
    ],
)
def test_pages_need_a_login_and_the_permission_to_read_positions(client, nobody, path):
    assert client.get(path).status_code == 302
    client.force_login(nobody)
    assert client.get(path).status_code == 403


def test_the_admin_lists_and_resends_deliveries(
    admin_client, alice, django_capture_on_commit_callbacks
):
    from tracker.alerts.models import Delivery

    watch(alice, email=Watchlist.Email.IMMEDIATE)
    extract_and_match(article(TROOPS), ("Germany", "ground_troops", "considering", TROOPS))
    delivery = Delivery.objects.get()
    Delivery.objects.filter(id=delivery.id).update(status=Delivery.Status.FAILED, attempts=5)
    for path in (
        "/admin/alerts/watchlist/",
        "/admin/alerts/delivery/",
        "/admin/alerts/feedtoken/",
        "/admin/alerts/alert/",
    ):
        assert admin_client.get(path).status_code == 200, path
    with django_capture_on_commit_callbacks() as callbacks:
        admin_client.post(
            "/admin/alerts/delivery/", {"action": "resend", "_selected_action": [delivery.id]}
        )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.PENDING, 0)
    assert len(callbacks) == 1
    assert Alert.objects.count() == 1
