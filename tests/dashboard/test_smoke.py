import pytest


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/actors/",
        "/matrix/",
        "/shifts/",
        "/search/?q=Kremlin",
        "/feeds/positions/",
        "/feeds/shifts/",
        "/proposals/air_support/",
        "/matrix/?as_of=2025-08-10",
    ],
)
def test_pages_render(analyst_client, world, url):
    assert analyst_client.get(url).status_code == 200


def test_detail_pages_render(analyst_client, world):
    kremlin = world["opposed"].actor
    assert analyst_client.get(f"/actors/{kremlin.id}/").status_code == 200
    assert analyst_client.get(f"/matrix/{kremlin.id}/air_support/").status_code == 200
    assert analyst_client.get(f"/articles/{world['articles']['arabic'].id}/").status_code == 200
