"""The audit trail: who changed what, when, before and after, viewable per object in admin."""

from django.urls import reverse

from tracker.curation import review
from tracker.extraction.models import ActorAlias, LexiconEntry
from tracker.ingestion.models import Source


def test_a_position_history_page_shows_the_curator_and_both_versions(client, curator, positions):
    russia = review.reject(positions["russia"].pk, version=1, user=curator)
    client.force_login(curator)
    html = client.get(f"/admin/extraction/position/{russia.pk}/history/").content.decode()
    assert "cora" in html
    latest = russia.history.first()
    delta = latest.diff_against(latest.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes if c.field == "review_status"] == [
        ("review_status", "unreviewed", "rejected")
    ]


def test_admin_edits_to_lexicons_aliases_and_sources_are_recorded_with_their_author(
    client, admin_role, article
):
    client.force_login(admin_role)
    entry = LexiconEntry.objects.create(language="en", category="support", text="audit cue one")
    client.post(
        f"/admin/extraction/lexiconentry/{entry.pk}/change/",
        {
            "language": "en",
            "category": "support",
            "text": "audit cue two",
            "weight": "0.5",
            "active": "on",
            "origin": "curator",
        },
    )
    entry.refresh_from_db()
    assert entry.text == "audit cue two"
    assert entry.history.first().history_user == admin_role
    assert entry.history.first().prev_record.text == "audit cue one"
    source = Source.objects.create(name="Wire")
    client.post(
        f"/admin/ingestion/source/{source.pk}/change/",
        {"name": "Wire service", "kind": "manual", "poll_interval": "30", "active": "on"},
    )
    assert source.history.first().history_user == admin_role
    assert (
        "admin"
        in client.get(f"/admin/ingestion/source/{source.pk}/history/").content.decode().lower()
    )
    alias = ActorAlias.objects.create(actor=positions_actor(), text="audit alias", language="en")
    client.post(reverse("admin:extraction_actoralias_delete", args=[alias.pk]), {"post": "yes"})
    deleted = ActorAlias.history.filter(id=alias.pk).first()
    assert deleted.history_type == "-" and deleted.history_user == admin_role


def positions_actor():
    from tracker.extraction.models import Actor

    return Actor.objects.get(name="France")


def test_an_admin_form_edit_keeps_the_original_and_refuses_a_stale_version(
    client, curator, positions
):
    france = positions["france"]
    client.force_login(curator)
    url = f"/admin/extraction/position/{france.pk}/change/"
    form = {
        "article": france.article_id,
        "actor": france.actor_id,
        "proposal": positions["russia"].proposal_id,
        "stance": "oppose",
        "evidence": france.evidence,
        "start": france.start,
        "end": france.end,
        "sentence": france.sentence,
        "stated_on": "",
        "timeline_date": "2025-08-20",
        "confidence": "0.9",
        "origin": "extracted",
        "review_status": "unreviewed",
        "seen_version": "1",
    }
    response = client.post(url, form)
    assert response.status_code == 302
    france.refresh_from_db()
    assert (france.stance, france.origin, france.review_status, france.version) == (
        "oppose",
        "curated",
        "confirmed",
        2,
    )
    assert france.original["stance"] == "support"
    stale = client.post(url, {**form, "stance": "considering"})
    assert stale.status_code == 200
    assert "Someone else changed this position" in stale.content.decode()
    france.refresh_from_db()
    assert france.stance == "oppose"
