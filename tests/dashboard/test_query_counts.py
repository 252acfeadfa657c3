"""Each page runs a fixed number of queries, however many positions there are."""

import datetime as dt

import pytest

from tests.conftest import make_article, make_position

PAGES = [
    "/",
    "/?actor={russia}&stance=oppose&language=en",
    "/?after=2025-09-01_{last}",
    "/matrix/",
    "/matrix/?as_of=2025-08-10",
    "/actors/{kremlin}/",
    "/proposals/air_support/",
    "/shifts/",
    "/search/?q=Kremlin",
    "/actors/",
    "/feeds/positions/",
    "/matrix/{kremlin}/air_support/",
]


def more_data(n):
    for i in range(n):
        article = make_article(
            title=f"Extra {i}",
            text=f"The Kremlin rejects air support {i}.",
            published=dt.date(2025, 7, 1) + dt.timedelta(days=i),
        )
        make_position(
            article,
            "Kremlin",
            "air_support",
            ["oppose", "support"][i % 2],
            "rejects air support",
            rules=["r"],
        )
        make_position(
            article, "Russian Foreign Ministry", "ground_troops", "oppose", "rejects air support"
        )


@pytest.mark.parametrize("url", PAGES)
def test_query_count_does_not_grow_with_the_data(
    analyst_client, world, catalogue, django_assert_max_num_queries, url
):
    url = url.format(
        russia=catalogue["Russia"].id, kremlin=catalogue["Kremlin"].id, last=world["trump"].id
    )
    with django_assert_max_num_queries(12) as small:
        assert analyst_client.get(url).status_code == 200
    more_data(15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert analyst_client.get(url).status_code == 200


def test_the_actor_page_takes_ten_queries_with_officials_children_and_history(
    analyst_client, world, catalogue, django_assert_max_num_queries
):
    more_data(15)
    pages = {}
    for name in ("United States", "Russia", "Kremlin"):
        with django_assert_max_num_queries(10):
            response = analyst_client.get(f"/actors/{catalogue[name].id}/")
        assert response.status_code == 200
        pages[name] = response.content.decode()
    # The president's statement counts for the United States: its stance, sparkline and count.
    row = pages["United States"].split("Air defence</a></th>")[1].split("</tr>")[0]
    assert "via <a" in row and 'class="sparkline"' in row and "1 position<" in row
    assert f'href="/actors/{catalogue["Kremlin"].id}/"' in pages["Russia"]  # a child
    assert "17 positions" in pages["Kremlin"]  # 2 of the world's and 15 more
