"""The derived stance, shift and standing tables change only by explicit calls: the position
writer's, and the roles'."""

from django.core.management import call_command

from tracker.extraction import positions
from tracker.extraction.models import ActorStance, ActorStanding, StanceShift
from tracker.ingestion.models import Article


def kremlin_stance(world):
    return ActorStance.objects.get(actor=world["opposed"].actor, proposal=world["opposed"].proposal)


def test_a_save_outside_the_writer_changes_nothing_derived_and_the_writer_does(world):
    world["considering"].review_status = "rejected"
    world["considering"].save()  # no signal refreshes anything behind the writer's back
    assert kremlin_stance(world).stance == "considering"
    positions.save(world["considering"])
    assert kremlin_stance(world).stance == "oppose"
    assert not StanceShift.objects.exists()


def test_deleting_an_article_in_admin_refreshes_the_pairs_it_leaves(admin_client, world):
    late = world["considering"].article
    response = admin_client.post(
        f"/admin/ingestion/article/{late.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert response.status_code == 200 and not Article.objects.filter(pk=late.pk).exists()
    stance = kremlin_stance(world)
    assert (stance.position_id, stance.stance, stance.positions_count) == (
        world["opposed"].pk,
        "oppose",
        1,
    )
    assert not StanceShift.objects.exists()


def test_deleting_positions_in_admin_refreshes_their_pairs(admin_client, world):
    response = admin_client.post(
        "/admin/extraction/position/",
        {
            "action": "delete_selected",
            "_selected_action": [world["opposed"].pk],
            "post": "yes",
        },
        follow=True,
    )
    assert response.status_code == 200
    stance = kremlin_stance(world)
    assert (stance.position_id, stance.positions_count) == (world["considering"].pk, 1)
    assert not StanceShift.objects.exists()


def test_rebuild_derived_rebuilds_the_tables_from_the_positions(world, capsys):
    def derived():
        return (
            set(
                ActorStance.objects.values_list("actor_id", "proposal_id", "position_id", "stance")
            ),
            set(StanceShift.objects.values_list("before_id", "after_id")),
            set(ActorStanding.objects.values_list("actor_id", "proposal_id", "position_id")),
        )

    expected = derived()
    ActorStance.objects.all().delete()
    StanceShift.objects.all().delete()
    ActorStanding.objects.all().delete()
    call_command("rebuild_derived")
    assert derived() == expected
    # The Kremlin's, the Foreign Ministry's and Trump's own, and the United States' through Trump.
    assert capsys.readouterr().out.strip() == "Rebuilt 3 latest stances, 1 shifts and 4 standings."


def test_a_position_corrected_to_another_actor_leaves_its_pair_counted_right(world, catalogue):
    """The Kremlin's first statement is neither its latest nor the end of a shift: corrected to
    Russia, it still leaves the Kremlin's count and the Kremlin's shift."""
    opposed = world["opposed"]
    opposed.correct(
        actor=catalogue["Russia"],
        proposal=opposed.proposal,
        stance="oppose",
        stated_on=None,
        user=None,
    )
    positions.save(opposed)
    stance = ActorStance.objects.get(actor=catalogue["Kremlin"], proposal=opposed.proposal)
    assert (stance.position_id, stance.positions_count) == (world["considering"].pk, 1)
    assert not StanceShift.objects.exists()
    russia = ActorStance.objects.get(actor=catalogue["Russia"], proposal=opposed.proposal)
    assert (russia.position_id, russia.positions_count) == (opposed.pk, 1)
