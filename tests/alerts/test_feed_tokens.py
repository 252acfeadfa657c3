"""Private feed links: a token reads the two Atom feeds as its user, and nothing else."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client

from tests.alerts.conftest import article, extract_and_match, watch
from tests.conftest import grant
from tracker.alerts.models import FeedToken

TROOPS = "Germany said it is ready to consider sending ground troops to Ukraine."


def feed_reader() -> Client:
    return Client()  # no session, no cookies: what a feed reader is


def test_a_token_reads_the_positions_feed_and_stops_at_once_when_revoked(alice):
    extract_and_match(article(TROOPS), ("Germany", "ground_troops", "considering", TROOPS))
    row, token = FeedToken.issue(alice, "Feedly")
    assert row.key_hash != token and token not in row.key_hash
    assert not FeedToken.objects.filter(key_hash=token).exists()

    reader = feed_reader()
    response = reader.get(f"/feeds/positions/?proposal=ground_troops&token={token}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "Germany considering ground troops" in response.content.decode()
    assert reader.get(f"/feeds/shifts/?token={token}").status_code == 200
    row.refresh_from_db()
    assert row.last_used_at is not None

    row.revoke()
    assert reader.get(f"/feeds/positions/?token={token}").status_code == 403
    assert reader.get(f"/feeds/shifts/?token={token}").status_code == 403


def test_without_a_token_a_feed_reader_is_sent_to_the_login(db):
    response = feed_reader().get("/feeds/positions/?proposal=ground_troops")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_unknown_token_is_refused(db):
    assert feed_reader().get("/feeds/positions/?token=trk_nonsense").status_code == 403


def test_a_token_opens_nothing_but_the_feeds(alice):
    _, token = FeedToken.issue(alice, "reader")
    reader = feed_reader()
    for path in ("/", "/matrix/", "/alerts/", "/shifts/", "/admin/"):
        response = reader.get(f"{path}?token={token}")
        assert response.status_code == 302, path  # still asks for a login
    # A POST with a token is no feed request either.
    assert reader.post(f"/feeds/positions/?token={token}").status_code in (302, 403, 405)


def test_a_token_carries_only_its_users_permissions(db):
    user = get_user_model().objects.create_user("no-perms", password="x" * 12)
    _, token = FeedToken.issue(user, "reader")
    assert feed_reader().get(f"/feeds/positions/?token={token}").status_code == 403
    grant(user, "extraction.view_position")
    assert feed_reader().get(f"/feeds/positions/?token={token}").status_code == 200
    user.is_active = False
    user.save()
    assert feed_reader().get(f"/feeds/positions/?token={token}").status_code == 403


def test_the_feeds_page_makes_a_token_once_and_shows_each_watchlists_link(analyst_client, alice):
    watch(alice, name="Germany", proposal="ground_troops")
    page = analyst_client.get("/alerts/feeds/")
    assert "/feeds/positions/?proposal=ground_troops&amp;token=YOUR_TOKEN" in page.content.decode()
    made = analyst_client.post("/alerts/feeds/", {"name": "Feedly"})
    html = made.content.decode()
    token = FeedToken.objects.get()
    import re

    shown = re.search(r'id="new-token">(trk_[^<]+)<', html).group(1)
    assert FeedToken.digest(shown) == token.key_hash
    assert f"proposal=ground_troops&amp;token={shown}" in html
    assert shown not in analyst_client.get("/alerts/feeds/").content.decode()  # shown once

    assert analyst_client.post(f"/alerts/feeds/{token.id}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert feed_reader().get(f"/feeds/positions/?token={shown}").status_code == 403


def test_nobody_revokes_someone_elses_token(client, alice):
    token, _ = FeedToken.issue(alice, "mine")
    other = grant(
        get_user_model().objects.create_user("bob", password="x" * 12), "extraction.view_position"
    )
    client.force_login(other)
    assert client.post(f"/alerts/feeds/{token.id}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
