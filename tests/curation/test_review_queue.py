"""The review queue at /review/: order, evidence in context, one-click decisions, edits, bulk, counters."""

import pytest
from django.urls import reverse

from tracker.extraction.models import Actor, Position

HTMX = {"HX-Request": "true"}


def test_the_queue_lists_unreviewed_positions_lowest_confidence_first(curator_client, positions):
    positions["germany"].review_status = Position.Review.CONFIRMED
    positions["germany"].save()
    response = curator_client.get("/review/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(f'id="position-{positions["russia"].pk}"') < html.index(
        f'id="position-{positions["france"].pk}"'
    )
    assert f'id="position-{positions["germany"].pk}"' not in html
    assert response.context["counters"]["remaining"] == 2


def test_the_evidence_is_highlighted_in_its_sentence_and_escaped(curator_client, positions):
    html = curator_client.get("/review/").content.decode()
    assert (
        "Moscow <mark>rejected any deployment of NATO troops &lt;script&gt;alert(1)&lt;/script&gt;</mark> in Ukraine."
        in html
    )
    assert "<script>alert(1)</script>" not in html


def test_an_htmx_request_gets_only_the_queue_fragment(curator_client, positions):
    response = curator_client.get("/review/", headers=HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="queue"')
    assert "<html" not in html


def test_confirming_with_htmx_returns_the_decided_row_and_fresh_counters(
    curator_client, curator, positions
):
    russia = positions["russia"]
    response = curator_client.post(
        reverse("curation:confirm", args=[russia.pk]), {"version": russia.version}, headers=HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="position-{russia.pk}"' in html and "Confirmed" in html
    assert 'id="review-counters"' in html and 'hx-swap-oob="true"' in html
    assert 'data-remaining="2"' in html
    russia.refresh_from_db()
    assert russia.review_status == Position.Review.CONFIRMED
    assert russia.reviewed_by == curator
    assert russia.version == 2


def test_rejecting_without_htmx_redirects_back_to_the_queue(curator_client, positions):
    france = positions["france"]
    response = curator_client.post(
        reverse("curation:reject", args=[france.pk]), {"version": france.version}
    )
    assert response.status_code == 302 and response.url == "/review/"
    france.refresh_from_db()
    assert france.review_status == Position.Review.REJECTED
    assert f'id="position-{france.pk}"' not in curator_client.get("/review/").content.decode()


def test_an_edit_keeps_the_original_extraction_beside_the_correction(curator_client, positions):
    russia = positions["russia"]
    key = russia.extraction_key
    germany = Actor.objects.get(name="Germany")
    response = curator_client.post(
        reverse("curation:edit", args=[russia.pk]),
        {
            f"p{russia.pk}-version": russia.version,
            f"p{russia.pk}-actor": germany.pk,
            f"p{russia.pk}-proposal": "air_defense",
            f"p{russia.pk}-stance": "support",
            f"p{russia.pk}-stated_on": "2025-08-18",
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    russia.refresh_from_db()
    assert (russia.actor, russia.proposal.kind, russia.stance) == (
        germany,
        "air_defense",
        "support",
    )
    assert str(russia.stated_on) == "2025-08-18" and str(russia.timeline_date) == "2025-08-18"
    assert russia.origin == Position.Origin.CURATED
    assert russia.review_status == Position.Review.CONFIRMED
    assert russia.extraction_key == key
    assert russia.original["actor"] == "Russia"
    assert russia.original["stance"] == "oppose"
    assert russia.original["proposal"] == "ground_troops"


def test_the_edit_form_comes_back_as_a_fragment(curator_client, positions):
    france = positions["france"]
    response = curator_client.get(reverse("curation:edit", args=[france.pk]), headers=HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith("<li") and "Save correction" in html
    assert f'name="p{france.pk}-stance"' in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("stance", "neutral", "Select a valid choice"),
        ("proposal", "moon_base", "Select a valid choice"),
        ("stated_on", "yesterday-ish", "Enter a valid date"),
    ],
)
def test_an_edit_to_an_invalid_value_gives_a_form_error(
    curator_client, positions, field, value, message
):
    france = positions["france"]
    data = {
        f"p{france.pk}-version": france.version,
        f"p{france.pk}-actor": france.actor_id,
        f"p{france.pk}-proposal": "ground_troops",
        f"p{france.pk}-stance": "support",
    }
    data[f"p{france.pk}-{field}"] = value
    response = curator_client.post(reverse("curation:edit", args=[france.pk]), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    france.refresh_from_db()
    assert (france.stance, france.proposal.kind, france.review_status) == (
        "support",
        "ground_troops",
        "unreviewed",
    )


def test_a_second_curator_editing_the_same_version_gets_a_conflict_not_a_silent_overwrite(
    client, curator, second_curator, positions
):
    france = positions["france"]
    seen = france.version
    client.force_login(curator)
    assert (
        client.post(reverse("curation:reject", args=[france.pk]), {"version": seen}).status_code
        == 302
    )
    client.force_login(second_curator)
    response = client.post(
        reverse("curation:edit", args=[france.pk]),
        {
            f"p{france.pk}-version": seen,
            f"p{france.pk}-actor": france.actor_id,
            f"p{france.pk}-proposal": "air_support",
            f"p{france.pk}-stance": "support",
        },
        headers=HTMX,
    )
    assert response.status_code == 409
    assert "cora changed this position while you were looking at it" in response.content.decode()
    assert "Your change was not saved" in response.content.decode()
    france.refresh_from_db()
    assert france.review_status == Position.Review.REJECTED
    assert france.proposal.kind == "ground_troops"
    assert france.reviewed_by == curator


def test_a_stale_confirm_is_refused_with_a_conflict(curator_client, positions):
    germany = positions["germany"]
    assert (
        curator_client.post(
            reverse("curation:confirm", args=[germany.pk]), {"version": 1}
        ).status_code
        == 302
    )
    response = curator_client.post(reverse("curation:reject", args=[germany.pk]), {"version": 1})
    assert response.status_code == 409
    assert "Your change was not saved" in response.content.decode()
    germany.refresh_from_db()
    assert germany.review_status == Position.Review.CONFIRMED


def test_bulk_confirm_applies_to_each_selected_position_and_reports_conflicts(
    curator_client, positions
):
    france, russia, germany = positions["france"], positions["russia"], positions["germany"]
    response = curator_client.post(
        "/review/bulk/",
        {
            "decision": "confirm",
            "selected": [
                f"{france.pk}:{france.version}",
                f"{russia.pk}:{russia.version}",
                f"{germany.pk}:{germany.version + 5}",
            ],
        },
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert "2 position(s) confirmed." in shown
    assert any("Your change was not saved" in m for m in shown)
    statuses = dict(Position.objects.values_list("id", "review_status"))
    assert statuses[france.pk] == statuses[russia.pk] == "confirmed"
    assert statuses[germany.pk] == "unreviewed"


def test_bulk_reject_with_htmx_asks_the_page_to_refresh(curator_client, positions):
    france = positions["france"]
    response = curator_client.post(
        "/review/bulk/",
        {"decision": "reject", "selected": [f"{france.pk}:{france.version}"]},
        headers=HTMX,
    )
    assert response.status_code == 204 and response["HX-Refresh"] == "true"
    france.refresh_from_db()
    assert france.review_status == Position.Review.REJECTED


def test_decisions_need_a_csrf_token(curator, positions):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(curator)
    france = positions["france"]
    response = strict.post(
        reverse("curation:confirm", args=[france.pk]), {"version": france.version}
    )
    assert response.status_code == 403
    france.refresh_from_db()
    assert france.review_status == Position.Review.UNREVIEWED


def test_the_page_carries_the_csrf_token_for_htmx_and_the_keyboard_script(
    curator_client, positions
):
    html = curator_client.get("/review/").content.decode()
    assert 'hx-headers=\'{"x-csrftoken": "' in html
    assert "/static/curation/review.js" in html
    assert 'data-key="c"' in html and 'data-key="r"' in html and 'data-key="e"' in html


def test_the_decision_is_recorded_in_history_with_the_curator(curator_client, curator, positions):
    russia = positions["russia"]
    curator_client.post(reverse("curation:confirm", args=[russia.pk]), {"version": russia.version})
    latest = russia.history.first()
    assert latest.history_user == curator
    assert latest.review_status == "confirmed"
    assert latest.prev_record.review_status == "unreviewed"


def _edit_data(position, **changes):
    data = {
        "version": position.version,
        "actor": position.actor_id,
        "proposal": position.proposal.kind,
        "stance": position.stance,
        "stated_on": position.stated_on.isoformat() if position.stated_on else "",
    }
    data.update(changes)
    return {f"p{position.pk}-{key}": value for key, value in data.items() if value is not False}


def test_saving_an_unchanged_edit_records_nothing(curator_client, positions):
    russia = positions["russia"]
    response = curator_client.post(
        reverse("curation:edit", args=[russia.pk]), _edit_data(russia), headers=HTMX
    )
    assert response.status_code == 200
    assert "Nothing changed" in response.content.decode()
    assert "Corrected" not in response.content.decode()
    russia.refresh_from_db()
    assert (russia.version, russia.origin, russia.review_status, russia.original) == (
        1,
        Position.Origin.EXTRACTED,
        Position.Review.UNREVIEWED,
        None,
    )


def test_a_curator_marks_a_statement_personal_without_calling_the_machine_wrong(
    curator_client, positions
):
    russia = positions["russia"]
    response = curator_client.post(
        reverse("curation:edit", args=[russia.pk]), _edit_data(russia, personal="on"), headers=HTMX
    )
    html = response.content.decode()
    assert "Saved:" in html and "(personal view)" in html and "Corrected" not in html
    russia.refresh_from_db()
    assert russia.personal and russia.origin == Position.Origin.EXTRACTED and russia.version == 2
