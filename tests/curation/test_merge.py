"""Merging actors: everything moves to the survivor, the merge can be undone, bad merges are refused."""

import pytest
from django.urls import reverse

from tests.conftest import make_article, make_position
from tracker.curation.merge import MergeRefused, merge_actors, undo_merge
from tracker.curation.models import MergeRecord
from tracker.extraction.models import Actor, ActorAlias, ActorRole, ActorStanding, Position


@pytest.fixture
def twins(db):
    """'Duplicate France' duplicates 'France'; it has an alias, a child, a role and a position."""
    france, _ = Actor.objects.get_or_create(name="France", defaults={"kind": "state"})
    duplicate = Actor.objects.create(name="Duplicate France", kind="government_body")
    ActorAlias.objects.create(actor=duplicate, text="the Élysée", language="en")
    ministry = Actor.objects.create(
        name="French Armed Forces Ministry", kind="government_body", parent=duplicate
    )
    ActorRole.objects.create(actor=duplicate, office="Government of the Republic")
    article = make_article(text="The Élysée said it was ready to send troops.")
    position = make_position(
        article, "Duplicate France", "ground_troops", "support", "ready to send troops"
    )
    return {"france": france, "duplicate": duplicate, "ministry": ministry, "position": position}


def test_a_merge_moves_aliases_positions_children_and_roles_to_the_survivor(twins, curator):
    france, duplicate = twins["france"], twins["duplicate"]
    record = merge_actors(absorbed=duplicate, survivor=france, user=curator)
    assert not Actor.objects.filter(pk=duplicate.pk).exists()
    assert france.aliases.filter(text="the Élysée").exists()
    assert france.aliases.filter(text="Duplicate France").exists(), (
        "the absorbed name keeps matching"
    )
    position = Position.objects.get(pk=twins["position"].pk)
    assert position.actor == france
    assert position.extraction_key == Position.key_for(france.pk, "ground_troops", "support")
    assert Actor.objects.get(pk=twins["ministry"].pk).parent == france
    assert france.roles.filter(office="Government of the Republic").exists()
    assert record.merged_by == curator and record.absorbed_name == "Duplicate France"
    assert position.history.first().history_user == curator


def test_undo_merge_puts_everything_back(twins, curator):
    france, duplicate = twins["france"], twins["duplicate"]
    key = twins["position"].extraction_key
    record = merge_actors(absorbed=duplicate, survivor=france, user=curator)
    restored = undo_merge(record, user=curator)
    assert restored.pk == duplicate.pk and restored.name == "Duplicate France"
    assert restored.aliases.filter(text="the Élysée").exists()
    assert not france.aliases.filter(text="Duplicate France").exists()
    position = Position.objects.get(pk=twins["position"].pk)
    assert position.actor == restored and position.extraction_key == key
    assert Actor.objects.get(pk=twins["ministry"].pk).parent == restored
    assert restored.roles.filter(office="Government of the Republic").exists()
    record.refresh_from_db()
    assert record.is_undone and record.undone_by == curator
    with pytest.raises(MergeRefused, match="already undone"):
        undo_merge(record, user=curator)


def test_a_merge_of_an_actor_into_itself_is_refused(twins, curator):
    with pytest.raises(MergeRefused, match="into itself"):
        merge_actors(absorbed=twins["france"], survivor=twins["france"], user=curator)
    assert not MergeRecord.objects.exists()


def test_a_merge_that_would_make_a_cycle_of_parents_is_refused(twins, curator):
    with pytest.raises(MergeRefused, match="cycle of parents"):
        merge_actors(absorbed=twins["duplicate"], survivor=twins["ministry"], user=curator)
    assert Actor.objects.filter(pk=twins["duplicate"].pk).exists()


def test_the_merge_page_refuses_a_self_merge_with_a_form_error(curator_client, twins):
    france = twins["france"]
    response = curator_client.post("/review/merge/", {"absorbed": france.pk, "survivor": france.pk})
    assert response.status_code == 422
    assert "An actor cannot be merged into itself." in response.content.decode()


def test_the_merge_page_merges_and_its_undo_button_restores(curator_client, twins):
    france, duplicate = twins["france"], twins["duplicate"]
    response = curator_client.post(
        "/review/merge/", {"absorbed": duplicate.pk, "survivor": france.pk}, follow=True
    )
    assert "Merged Duplicate France into France." in response.content.decode()
    record = MergeRecord.objects.get()
    assert "Undo merge" in response.content.decode()
    response = curator_client.post(reverse("curation:undo", args=[record.pk]), follow=True)
    assert "Duplicate France is back" in response.content.decode()
    assert Actor.objects.filter(name="Duplicate France").exists()


def test_admin_refuses_a_parent_that_would_make_a_cycle(client, admin_role, twins):
    client.force_login(admin_role)
    duplicate, ministry = twins["duplicate"], twins["ministry"]
    response = client.post(
        f"/admin/extraction/actor/{duplicate.pk}/change/",
        {
            "name": duplicate.name,
            "kind": duplicate.kind,
            "parent": ministry.pk,
            "country": "",
            "origin": "curator",
            "aliases-TOTAL_FORMS": "0",
            "aliases-INITIAL_FORMS": "0",
            "roles-TOTAL_FORMS": "0",
            "roles-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "cycle of parents" in response.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.parent is None


def test_the_admin_merge_action_sends_two_actors_to_the_merge_page(client, curator, twins):
    client.force_login(curator)
    ids = [twins["duplicate"].pk, twins["france"].pk]
    response = client.post(
        "/admin/extraction/actor/", {"action": "merge_selected_actors", "_selected_action": ids}
    )
    assert response.status_code == 302
    assert response.url.startswith("/review/merge/?actors=")


def test_a_merge_and_its_undo_move_what_the_officials_roles_decide(db, curator):
    """A duplicate of an official holds the office and said something: merged, the statement and
    the office are the survivor's and Poland's standing says so; undone, they are the duplicate's
    again."""
    poland, _ = Actor.objects.get_or_create(name="Poland", defaults={"kind": "state"})
    survivor = Actor.objects.create(name="Official of Poland", kind="person")
    duplicate = Actor.objects.create(name="Duplicate official", kind="person")
    ActorRole.objects.create(actor=duplicate, office="Minister of Poland", speaks_for=poland)
    article = make_article(text="The minister said Poland would send no troops.")
    said = make_position(article, "Duplicate official", "ground_troops", "oppose", "no troops")

    def standing():
        return ActorStanding.objects.filter(actor=poland).values_list("position_id", "speaker_id")

    assert list(standing()) == [(said.pk, duplicate.pk)]
    record = merge_actors(absorbed=duplicate, survivor=survivor, user=curator)
    assert list(standing()) == [(said.pk, survivor.pk)]
    undo_merge(record, user=curator)
    assert list(standing()) == [(said.pk, duplicate.pk)]
    assert ActorStanding.objects.filter(actor=duplicate).values_list("position_id").get() == (
        said.pk,
    )
