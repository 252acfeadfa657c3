"""Shared fixtures: named users, a sample article with positions, and a real Celery worker.

Without DATABASE_URL the suite runs on the embedded PostgreSQL, started for the session (or
shared with a `make run` that is using it) and stopped after it.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.contrib.auth import get_user_model

from tracker.extraction import positions
from tracker.extraction.models import Actor, Position, Proposal
from tracker.ingestion.models import Article


def pytest_configure(config):
    if not os.environ.get("DATABASE_URL"):
        from tracker.embedded import EmbeddedPostgres, var_dir

        config.embedded_postgres = EmbeddedPostgres(var_dir()).__enter__()


def pytest_unconfigure(config):
    server = getattr(config, "embedded_postgres", None)
    if server is not None:
        server.__exit__(None, None, None)


ANALYST_PERMISSIONS = [
    "extraction.view_position",
    "extraction.view_actor",
    "extraction.view_proposal",
    "ingestion.view_article",
    "ingestion.add_article",
]


def grant(user, *codenames: str):
    """Give ``user`` permissions named "app_label.codename"."""
    from django.contrib.auth.models import Permission

    for name in codenames:
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


@pytest.fixture
def alice(db):
    """An analyst: may read the dashboard, export and submit articles."""
    user = get_user_model().objects.create_user("alice", password="correct horse battery")
    return grant(user, *ANALYST_PERMISSIONS)


@pytest.fixture
def nobody(db):
    """A logged-in user with no permissions at all."""
    return get_user_model().objects.create_user("nobody", password="correct horse battery")


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser(
        "root", "root@example.org", "correct horse battery"
    )


@pytest.fixture
def analyst_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def make_article(**fields) -> Article:
    defaults = {
        "title": "Sample",
        "text": "Sample text.",
        "language": "en",
        "published": dt.date(2025, 8, 20),
        "state": Article.State.EXTRACTED,
    }
    defaults.update(fields)
    return Article.objects.create(**defaults)


def make_position(
    article: Article, actor: str, proposal: str, stance: str, evidence: str, **fields
) -> Position:
    start = article.text.find(evidence)
    actor_obj = Actor.objects.get(name=actor)
    defaults = {
        "article": article,
        "actor": actor_obj,
        "proposal": Proposal.objects.get(kind=proposal),
        "stance": stance,
        "evidence": evidence,
        "start": max(start, 0),
        "end": max(start, 0) + len(evidence),
        "timeline_date": article.published,
        "extraction_key": Position.key_for(actor_obj.id, proposal, stance),
    }
    defaults.update(fields)
    position = Position(**defaults)
    positions.save(position)
    return position


@pytest.fixture(scope="session")
def celery_worker_app():
    from tracker.celery import app

    return app


@pytest.fixture
def celery_worker(transactional_db, celery_worker_app):
    """A real Celery worker thread consuming from the configured broker (Redis in the test suite)."""
    from celery.contrib.testing.worker import start_worker

    celery_worker_app.control.purge()
    with start_worker(
        celery_worker_app, pool="solo", perform_ping_check=False, loglevel="WARNING"
    ) as worker:
        yield worker


# --- Curation: one user per role, members of the groups the curation migration creates ---


def role_user(username: str, group: str, *, staff: bool = False):
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user(
        username, password="correct horse battery", is_staff=staff
    )
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def analyst(db):
    """A member of the Analyst group."""
    return role_user("ana", "Analyst")


@pytest.fixture
def curator(db):
    """A member of the Curator group, with staff status so Django admin lets them in."""
    return role_user("cora", "Curator", staff=True)


@pytest.fixture
def second_curator(db):
    return role_user("carl", "Curator", staff=True)


@pytest.fixture
def admin_role(db):
    """A member of the Admin group (not a superuser: everything comes from the group)."""
    return role_user("adam", "Admin", staff=True)


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client
