"""The fast paths give the same answers as the plain queries: merged per-actor walks, two-phase search, polling."""

import datetime as dt

import pytest

from tests.conftest import make_article, make_position
from tracker.dashboard import queries
from tracker.extraction.models import ActorTree, Position


@pytest.fixture
def family(world):
    """Positions of Russia, the Kremlin and the Foreign Ministry on many days (some on the same day)."""
    for i in range(14):
        article = make_article(
            title=f"Day {i}",
            text=f"Moscow rejects air support {i}.",
            published=dt.date(2025, 7, 1) + dt.timedelta(days=i // 2),
        )
        actor = ["Russia", "Kremlin", "Russian Foreign Ministry"][i % 3]
        make_position(
            article,
            actor,
            ["air_support", "ground_troops"][i % 2],
            ["oppose", "support"][i % 2],
            "rejects air support",
            extraction_key=f"family/{i}",
        )
    return world


def _walk(data, limit):
    """All pages of the timeline, following the cursor."""
    tree = ActorTree.load()
    seen, after = [], None
    for _ in range(50):
        rows, after = queries.timeline_page({**data, "limit": limit, "after": after}, tree)
        seen.extend(row["id"] for row in rows)
        if after is None:
            return seen
    raise AssertionError("the cursor does not advance")


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"proposal": "air_support"},
        {"stance": "oppose"},
        {"language": "en"},
        {"date_from": dt.date(2025, 7, 2), "date_to": dt.date(2025, 7, 5)},
    ],
)
def test_an_actor_with_its_children_pages_like_the_plain_query(family, catalogue, extra):
    data = {"actor": catalogue["Russia"].id, **extra}
    tree = ActorTree.load()
    expected = list(queries.filter_positions(data, tree).values_list("id", flat=True))
    assert 1 < len(tree.with_descendants(catalogue["Russia"].id)) <= queries.UNION_MAX_ACTORS
    assert expected and _walk(data, 3) == expected
    assert _walk(data, 50) == expected


def test_the_merged_walk_is_used_for_an_actor_with_children(family, catalogue):
    tree = ActorTree.load()
    sql = str(queries.timeline_qs({"actor": catalogue["Russia"].id}, tree, 51).query)
    assert sql.count("UNION ALL") == len(tree.with_descendants(catalogue["Russia"].id)) - 1


def test_the_timeline_never_loads_article_text(
    analyst_client, family, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert analyst_client.get(f"/?actor={family['opposed'].actor.parent_id}").status_code == 200
    assert not any('"ingestion_article"."text"' in q["sql"] for q in captured.captured_queries)


def test_search_pages_are_the_same_from_either_phase(db, monkeypatch):
    for i in range(12):
        make_article(
            title=f"Truce {i}",
            text=f"The ceasefire holds ({i})." if i % 3 else f"Other news ({i}).",
            published=dt.date(2025, 8, 1) + dt.timedelta(days=i),
            url=f"https://example.org/{i}",
        )
    make_article(
        title="Undated truce",
        text="The ceasefire holds.",
        published=None,
        url="https://example.org/u",
    )
    full = [a.title for a in queries.search_articles("ceasefire", None, 0, 100)]
    assert full[-1] == "Undated truce" and len(full) == 9
    for window in (2, 5, 1000):  # too small for phase one, just enough, everything
        monkeypatch.setattr(queries, "SEARCH_WINDOW", window)
        pages = [
            a.title
            for offset in range(0, 9, 2)
            for a in queries.search_articles("ceasefire", None, offset, 2)
        ]
        assert pages == full


def test_shifts_date_range_is_validated_and_filters(analyst_client, world):
    assert (
        "Kremlin"
        in analyst_client.get("/shifts/?date_from=2025-08-19&date_to=2025-08-19").content.decode()
    )
    assert "No shifts match" in analyst_client.get("/shifts/?date_from=2025-08-20").content.decode()
    response = analyst_client.get("/shifts/?date_from=2025-09-01&date_to=2025-08-01")
    assert (
        response.status_code == 400
        and "The start date is after the end date." in response.content.decode()
    )
    assert analyst_client.get("/shifts/?date_to=31.08.2025").status_code == 400


def test_shifts_page_polls_for_new_shifts(analyst_client, world, catalogue):
    html = analyst_client.get("/shifts/?proposal=air_support").content.decode()
    since = Position.objects.order_by("-id").values_list("id", flat=True).first()
    assert f'hx-get="/shifts/new/?proposal=air_support&amp;since={since}"' in html
    poll = f"/shifts/new/?proposal=air_support&since={since}"
    assert analyst_client.get(poll).content.decode().strip() == ""
    article = make_article(
        title="Back to no",
        text="The Kremlin again rejects air support.",
        published=dt.date(2025, 9, 5),
    )
    make_position(article, "Kremlin", "air_support", "oppose", "rejects air support")
    new = analyst_client.get(poll, headers={"HX-Request": "true"}).content.decode()
    assert "1 new shift — show" in new and 'href="?proposal=air_support"' in new
    assert (
        analyst_client.get(f"/shifts/new/?proposal=ground_troops&since={since}")
        .content.decode()
        .strip()
        == ""
    )
    assert analyst_client.get("/shifts/new/?since=x").status_code == 400
    assert analyst_client.get("/shifts/new/?since=1&date_from=bad").status_code == 400


def test_shift_polling_requires_the_permission(client, django_user_model, world):
    assert client.get("/shifts/new/?since=1").status_code == 302
    user = django_user_model.objects.create_user("nobody", password="x")
    client.force_login(user)
    assert client.get("/shifts/new/?since=1").status_code == 403
