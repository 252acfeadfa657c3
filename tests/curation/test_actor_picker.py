"""The review queue's actor picker, Esc to cancel an edit, the confirmed re-run of everything, and
"corrected" on the timeline with the original."""

from django.urls import reverse

from tracker.extraction.models import Actor, ActorAlias, Position

HTMX = {"HX-Request": "true"}


def _options(client, field, q):
    return client.get(
        reverse("curation:actor-options"), {"field": field, f"{field}-q": q}, headers=HTMX
    )


def test_the_picker_finds_an_actor_typed_in_arabic_or_without_accents(curator_client, positions):
    russia = Actor.objects.get(name="Russia")
    ActorAlias.objects.get_or_create(actor=russia, text="روسيا", language="ar")
    html = _options(curator_client, "p1-actor", "روسيا").content.decode()
    assert f'<input type="radio" name="p1-actor" value="{russia.pk}"' in html and "Russia" in html
    tusk, _ = Actor.objects.get_or_create(name="Radosław Sikorski", defaults={"kind": "person"})
    assert "Radosław Sikorski" in _options(curator_client, "survivor", "radoslaw").content.decode()
    assert "No actor is called" in _options(curator_client, "p1-actor", "zzqqxx").content.decode()


def test_the_picker_refuses_odd_field_names_and_analysts(
    client, analyst, curator_client, positions
):
    response = curator_client.get(reverse("curation:actor-options"), {"field": '"><script>'})
    assert response.status_code == 400
    client.force_login(analyst)
    assert _options(client, "actor", "Russia").status_code == 403


def test_the_edit_form_has_no_select_of_every_actor(curator_client, positions):
    france = positions["france"]
    html = curator_client.get(reverse("curation:edit", args=[france.pk]), headers=HTMX)
    html = html.content.decode()
    assert f'<select name="p{france.pk}-actor"' not in html
    assert f'name="p{france.pk}-actor-q"' in html
    assert f'name="p{france.pk}-actor" value="{france.actor_id}" checked' in html
    assert html.count("<option") < 20


def test_cancel_returns_the_position_without_the_form(curator_client, positions):
    france = positions["france"]
    url = reverse("curation:edit", args=[france.pk]) + "?cancel=1"
    html = curator_client.get(url, headers=HTMX).content.decode()
    assert f'id="position-{france.pk}"' in html and "edit-form" not in html
    assert "Confirm" in html


def test_the_merge_form_uses_the_picker(curator_client, positions):
    html = curator_client.get(reverse("curation:merge")).content.decode()
    assert 'name="absorbed-q"' in html and 'name="survivor-q"' in html
    assert "<select" not in html


def test_re_running_everything_asks_first_and_says_how_many(curator_client, positions):
    html = curator_client.get(reverse("curation:jobs")).content.decode()
    assert "Re-run extraction on every article…</summary>" in html
    assert "Yes, re-run extraction on 1 article</button>" in html


def test_a_corrected_position_says_so_on_the_timeline_with_the_original(curator_client, positions):
    russia = positions["russia"]
    germany = Actor.objects.get(name="Germany")
    curator_client.post(
        reverse("curation:edit", args=[russia.pk]),
        {
            f"p{russia.pk}-version": russia.version,
            f"p{russia.pk}-actor": germany.pk,
            f"p{russia.pk}-proposal": "ground_troops",
            f"p{russia.pk}-stance": "oppose",
        },
        headers=HTMX,
    )
    assert Position.objects.get(pk=russia.pk).origin == Position.Origin.CURATED
    html = curator_client.get("/").content.decode()
    entry = html.split(f'id="position-{russia.pk}"')[1].split("</article>")[0]
    assert ">corrected</span>" in entry
    assert 'title="Extracted as: Russia opposes ground troops' in entry
