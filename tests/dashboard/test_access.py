"""Every page asks for a login, then for the extraction.view_position permission."""

import pytest

URLS = [
    "/",
    "/timeline/new/?since=0",
    "/actors/",
    "/actors/{actor}/",
    "/proposals/",
    "/proposals/air_support/",
    "/matrix/",
    "/matrix/{actor}/air_support/",
    "/shifts/",
    "/articles/{article}/",
    "/search/?q=Kremlin",
    "/feeds/positions/",
    "/feeds/shifts/",
    "/?format=csv",
    "/matrix/?format=json",
]


def fill(url, world):
    return url.format(actor=world["opposed"].actor_id, article=world["articles"]["early"].id)


@pytest.mark.parametrize("url", URLS)
def test_anonymous_visitors_are_sent_to_the_login_page(client, world, url):
    response = client.get(fill(url, world))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", URLS)
def test_users_without_the_permission_are_refused(client, nobody, world, url):
    client.force_login(nobody)
    assert client.get(fill(url, world)).status_code == 403


@pytest.mark.parametrize("url", URLS)
def test_analysts_get_the_page(analyst_client, world, url):
    assert analyst_client.get(fill(url, world)).status_code == 200


def test_pages_refuse_post(analyst_client, world):
    assert analyst_client.post("/").status_code == 405
