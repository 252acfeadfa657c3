"""Each role against each action: Analyst reads and submits, Curator corrects, Admin does everything."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.conftest import role_user
from tracker.curation.models import MergeRecord
from tracker.extraction.models import Actor, LexiconEntry, Position
from tracker.ingestion.models import Source

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "nobody", "Analyst", "Curator", "Admin"]


def test_the_migration_creates_the_three_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Analyst", "Curator", "Admin"}


def test_analysts_may_submit_articles_but_not_change_positions():
    analyst = Group.objects.get(name="Analyst")
    names = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in analyst.permissions.select_related("content_type")
    }
    assert {"extraction.view_position", "ingestion.add_article"} <= names
    assert "extraction.change_position" not in names


def test_the_admin_group_holds_every_permission_including_users_and_sources():
    from django.contrib.auth.models import Permission

    admin = Group.objects.get(name="Admin")
    assert admin.permissions.count() == Permission.objects.count()
    assert (
        admin.permissions.filter(
            codename__in=["change_user", "change_source", "delete_source"]
        ).count()
        == 3
    )


@pytest.fixture
def as_role(client, db):
    def login(role: str):
        if role == "nobody":
            client.force_login(
                get_user_model().objects.create_user("nemo", password="correct horse battery")
            )
        elif role != "anonymous":
            client.force_login(role_user(role.lower(), role, staff=role != "Analyst"))
        return client

    return login


def _position(positions):
    return positions["france"]


# action name -> (callable(client, positions) -> response, roles allowed)
def timeline(c, p):
    return c.get("/")


def review_queue(c, p):
    return c.get("/review/")


def confirm(c, p):
    return c.post(
        reverse("curation:confirm", args=[_position(p).pk]), {"version": _position(p).version}
    )


def reject(c, p):
    return c.post(
        reverse("curation:reject", args=[_position(p).pk]), {"version": _position(p).version}
    )


def edit(c, p):
    return c.get(reverse("curation:edit", args=[_position(p).pk]))


def bulk(c, p):
    return c.post("/review/bulk/", {"decision": "confirm", "selected": [f"{_position(p).pk}:1"]})


def add_alias(c, p):
    position = _position(p)
    return c.post(
        "/review/aliases/",
        {
            "article": position.article_id,
            "text": "Paris said",
            "actor": position.actor_id,
            "language": "en",
            "strength": "strong",
        },
    )


def merge_page(c, p):
    return c.get("/review/merge/")


def merge(c, p):
    return c.post(
        "/review/merge/", {"absorbed": p["germany"].actor_id, "survivor": p["france"].actor_id}
    )


def job_list(c, p):
    return c.get("/review/jobs/")


def reextract(c, p):
    return c.post("/review/reextract/", {"articles": [_position(p).article_id]})


def admin_positions(c, p):
    return c.get("/admin/extraction/position/")


def admin_confirm_action(c, p):
    return c.post(
        "/admin/extraction/position/",
        {"action": "confirm_positions", "_selected_action": [_position(p).pk]},
    )


def admin_lexicon_add(c, p):
    return c.post(
        "/admin/extraction/lexiconentry/add/",
        {
            "language": "en",
            "category": "support",
            "text": "itching to",  # not in the shipped lexicon, so only the form can add it
            "weight": "1.0",
            "active": "on",
            "origin": "curator",
        },
    )


def admin_sources(c, p):
    return c.post(
        "/admin/ingestion/source/add/",
        {"name": "Wire", "kind": "manual", "poll_interval": "60", "active": "on"},
    )


def admin_users(c, p):
    return c.get("/admin/auth/user/")


def admin_rule_precision(c, p):
    return c.get("/admin/extraction/rulestat/")


def _done(name, positions):
    """Did the action take effect? (A 200 on a page is its own effect.)"""
    france = Position.objects.get(pk=positions["france"].pk)
    return {
        "confirm": france.review_status == "confirmed",
        "reject": france.review_status == "rejected",
        "bulk": france.review_status == "confirmed",
        "add_alias": Actor.objects.get(name="France").aliases.filter(text="Paris said").exists(),
        "merge": MergeRecord.objects.exists(),
        "admin_confirm_action": france.review_status == "confirmed",
        "admin_lexicon_add": LexiconEntry.objects.filter(text="itching to").exists(),
        "admin_sources": Source.objects.filter(name="Wire").exists(),
    }.get(name)


MATRIX = {
    timeline: {"Analyst", "Curator", "Admin"},
    review_queue: {"Curator", "Admin"},
    confirm: {"Curator", "Admin"},
    reject: {"Curator", "Admin"},
    edit: {"Curator", "Admin"},
    bulk: {"Curator", "Admin"},
    add_alias: {"Curator", "Admin"},
    merge_page: {"Curator", "Admin"},
    merge: {"Curator", "Admin"},
    job_list: {"Curator", "Admin"},
    reextract: {"Curator", "Admin"},
    admin_positions: {"Curator", "Admin"},
    admin_confirm_action: {"Curator", "Admin"},
    admin_lexicon_add: {"Curator", "Admin"},
    admin_sources: {"Admin"},
    admin_users: {"Admin"},
    admin_rule_precision: {"Curator", "Admin"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(MATRIX), ids=lambda f: f.__name__)
def test_each_role_may_do_exactly_what_its_group_allows(as_role, positions, role, action, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    client = as_role(role)
    response = action(client, positions)
    allowed = role in MATRIX[action]
    effect = _done(action.__name__, positions)
    if allowed:
        assert response.status_code in (200, 204, 302), response.content[:500]
        if response.status_code == 302:
            assert "/login/" not in response.url
        if effect is not None:
            assert effect, f"{role} was allowed {action.__name__} but nothing changed"
    else:
        # Refused: anonymous and non-staff users are sent to a login page, the others get a 403.
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert "login" in response.url
        if effect is not None:
            assert not effect, f"{role} was refused {action.__name__} yet it happened"
