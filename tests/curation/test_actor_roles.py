"""An official's roles edited in the actor's admin page: whom they spoke for stands where the
statements in office now say, at once."""

import datetime as dt

import pytest

from tests.conftest import make_article, make_position
from tracker.extraction.models import Actor, ActorRole, ActorStanding


@pytest.fixture
def minister(db):
    """A foreign minister of Poland since 2024 who opposed ground troops in March 2025."""
    poland, _ = Actor.objects.get_or_create(name="Poland", defaults={"kind": "state"})
    person = Actor.objects.create(name="A Polish minister", kind="person")
    role = ActorRole.objects.create(
        actor=person,
        office="Minister of Foreign Affairs of Poland",
        start=dt.date(2024, 1, 1),
        capacity="foreign_minister",
        speaks_for=poland,
    )
    article = make_article(text="The minister ruled out troops.", published=dt.date(2025, 3, 3))
    said = make_position(article, person.name, "ground_troops", "oppose", "ruled out troops")
    return {"poland": poland, "person": person, "role": role, "said": said}


def _post_role(client, minister, **role_fields):
    person, role = minister["person"], minister["role"]
    data = {
        "name": person.name,
        "kind": person.kind,
        "parent": "",
        "country": "",
        "origin": person.origin,
        "aliases-TOTAL_FORMS": "0",
        "aliases-INITIAL_FORMS": "0",
        "roles-TOTAL_FORMS": "1",
        "roles-INITIAL_FORMS": "1",
        "roles-0-id": role.pk,
        "roles-0-actor": person.pk,
        "roles-0-office": role.office,
        "roles-0-start": "2024-01-01",
        "roles-0-end": "",
        "roles-0-capacity": role.capacity,
        "roles-0-speaks_for": minister["poland"].pk,
        **{f"roles-0-{name}": value for name, value in role_fields.items()},
    }
    response = client.post(f"/admin/extraction/actor/{person.pk}/change/", data)
    assert response.status_code == 302


def _poland(minister):
    return list(ActorStanding.objects.filter(actor=minister["poland"]).values_list("position_id"))


def test_ending_a_role_in_admin_before_the_statement_takes_it_off_the_state(admin_client, minister):
    assert _poland(minister) == [(minister["said"].pk,)]
    _post_role(admin_client, minister, end="2024-12-31")
    assert _poland(minister) == []
    _post_role(admin_client, minister, end="")
    assert _poland(minister) == [(minister["said"].pk,)]


def test_deleting_a_role_in_admin_takes_the_statement_off_the_state(admin_client, minister):
    _post_role(admin_client, minister, DELETE="on")
    assert not ActorRole.objects.filter(pk=minister["role"].pk).exists()
    assert _poland(minister) == []
