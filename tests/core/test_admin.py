"""Every model is in the admin with working list, search and filters."""

import pytest

from tests.conftest import make_article, make_position

CHANGELISTS = [
    "ingestion/source",
    "ingestion/article",
    "ingestion/ingestrun",
    "extraction/actor",
    "extraction/actoralias",
    "extraction/proposal",
    "extraction/position",
    "extraction/lexiconentry",
    "extraction/extractionrun",
]


@pytest.mark.parametrize("path", CHANGELISTS)
def test_changelist_with_search_loads(admin_client, path):
    article = make_article(text="Peskov said foreign troops were unacceptable.")
    make_position(
        article, "Dmitry Peskov", "ground_troops", "oppose", "foreign troops were unacceptable"
    )
    response = admin_client.get(f"/admin/{path}/", {"q": "Peskov"})
    assert response.status_code == 200


def test_actor_page_shows_aliases_inline(admin_client):
    from tracker.extraction.models import Actor

    kremlin = Actor.objects.get(name="Kremlin")
    html = admin_client.get(f"/admin/extraction/actor/{kremlin.id}/change/").content.decode()
    assert "Кремль" in html


def test_the_seven_proposal_kinds_exist_after_migrate(db):
    from tracker.extraction.models import Proposal

    assert set(Proposal.objects.values_list("kind", flat=True)) == {
        "ground_troops",
        "air_support",
        "no_fly_zone",
        "air_defense",
        "military_aid",
        "security_guarantee",
        "nato_membership",
    }


def test_the_admin_requires_staff(analyst_client):
    assert analyst_client.get("/admin/extraction/position/").status_code == 302
