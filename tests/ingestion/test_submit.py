"""Analysts submit URLs, files and pasted text from the dashboard; admins from admin."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.conftest import grant
from tracker.ingestion import tasks
from tracker.ingestion.models import Article, IngestRun, PendingItem
from tracker.ingestion.runs import process_run_inline

DEV_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "dev.jsonl"
SUBMIT = "/submit/"
PASTE = {
    "kind": "paste",
    "paste-title": "Peskov rejects foreign troops",
    "paste-language": "en",
    "paste-published": "2025-09-04",
    "paste-text": "Kremlin spokesman Dmitry Peskov said on Tuesday that the deployment of foreign troops "
    "on Ukrainian soil was unacceptable to Russia.",
}


@pytest.fixture
def broker_down(monkeypatch):
    """process_run bound to a Celery app whose broker does not answer: a real connection failure."""
    from celery import Celery

    # Not made the current app: later tests rely on the project's being the current one.
    dead = Celery("dead", set_as_current=False)
    # The write URL, because the CELERY_BROKER_URL environment variable overrides broker_url.
    dead.conf.broker_write_url = "redis://127.0.0.1:1/0"
    dead.conf.broker_connection_timeout = 1
    dead.conf.broker_connection_retry = False

    @dead.task(name="tracker.tests.process_run_on_a_dead_broker", shared=False)
    def process_run(run_id):
        return run_id

    monkeypatch.setattr(tasks, "process_run", process_run)


def test_the_submit_page_needs_a_login(client):
    response = client.get(SUBMIT)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_user_without_the_add_article_permission_cannot_submit(client, nobody):
    client.force_login(nobody)
    assert client.get(SUBMIT).status_code == 403
    assert client.post(SUBMIT, PASTE).status_code == 403
    assert not IngestRun.objects.exists()


def test_a_user_without_permission_cannot_see_someone_elses_run(client, nobody, alice):
    run = IngestRun.objects.create(kind="url", submitted="https://example.org/", submitted_by=alice)
    client.force_login(nobody)
    assert client.get(reverse("ingestion:run", args=[run.id])).status_code == 403


def test_an_analyst_sees_the_three_submission_forms(analyst_client):
    response = analyst_client.get(SUBMIT)
    html = response.content.decode()
    assert response.status_code == 200
    for name in (
        "url-url",
        "file-file",
        "paste-text",
        "paste-title",
        "paste-language",
        "paste-published",
    ):
        assert f'name="{name}"' in html
    assert 'hx-post="/submit/"' in html and 'action="/submit/"' in html


def test_pasted_text_is_recorded_as_a_run_and_queued(analyst_client, alice):
    response = analyst_client.post(SUBMIT, PASTE)
    run = IngestRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "ingestion:run", args=[run.id]
    )
    assert (run.kind, run.submitted_by, run.items_seen, run.status) == ("paste", alice, 1, "queued")
    run = process_run_inline(run)
    article = Article.objects.get()
    assert (article.title, article.language, article.published) == (
        PASTE["paste-title"],
        "en",
        dt.date(2025, 9, 4),
    )
    assert (run.status, run.items_new, run.article_ids) == ("done", 1, [article.id])


def test_an_htmx_submission_returns_the_status_partial_that_polls(analyst_client):
    response = analyst_client.post(SUBMIT, PASTE, headers={"HX-Request": "true"})
    html = response.content.decode()
    run = IngestRun.objects.get()
    assert response.status_code == 200
    assert "<html" not in html and 'id="run-status"' in html
    assert f'hx-get="/submit/runs/{run.id}/"' in html and 'hx-trigger="every 2s"' in html
    assert f'href="/submit/runs/{run.id}/"' in html


def test_the_status_stops_polling_when_the_articles_are_extracted(analyst_client):
    analyst_client.post(SUBMIT, PASTE)
    run = process_run_inline(IngestRun.objects.get())
    Article.objects.update(state=Article.State.EXTRACTED)
    response = analyst_client.get(
        reverse("ingestion:run", args=[run.id]), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "Peskov rejects foreign troops" in html and "Extracted" in html
    assert "hx-trigger" not in html


def test_an_invalid_htmx_submission_swaps_the_forms_back_with_errors(analyst_client):
    response = analyst_client.post(
        SUBMIT, {"kind": "url", "url-url": "javascript:alert(1)"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert (
        response["HX-Retarget"] == "#submit-forms"
        and "Enter an http:// or https:// address." in html
    )
    assert not IngestRun.objects.exists()


def test_csrf_is_enforced_on_submission(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(SUBMIT, PASTE).status_code == 403
    assert not IngestRun.objects.exists()


def test_a_broker_that_is_down_gives_a_clear_message_and_the_sweep_takes_the_run_later(
    analyst_client, broker_down
):
    response = analyst_client.post(
        SUBMIT, {"kind": "url", "url-url": "https://example.org/news/1"}, follow=True
    )
    html = response.content.decode()
    assert "The task queue is not reachable right now" in html
    run = IngestRun.objects.get()
    item = PendingItem.objects.get(run=run)
    assert (run.status, item.payload["url"], item.claimed_at) == (
        "queued",
        "https://example.org/news/1",
        None,
    )
    assert not Article.objects.exists()


def test_the_sweep_redispatches_items_whose_message_was_lost(db, settings, monkeypatch):
    from tracker.ingestion.runs import start_paste_run

    run = start_paste_run(title="Lost", text="Some text that was never picked up.")
    PendingItem.objects.update(created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    sent = []
    monkeypatch.setattr(tasks.ingest_items, "delay", lambda run_id, ids: sent.append((run_id, ids)))
    assert tasks.sweep_pending_items() == 1
    assert sent == [(run.id, list(PendingItem.objects.values_list("id", flat=True)))]


def test_a_jsonl_upload_ingests_good_lines_and_reports_bad_ones_with_line_numbers(analyst_client):
    lines = DEV_FILE.read_bytes().splitlines()
    broken = (
        b"\n".join(
            [
                lines[0],
                b"{not json",
                lines[1],
                b'{"title": "no text"}',
                b"[1, 2]",
                b'{"text": "x", "published": "yesterday"}',
                lines[2],
            ]
        )
        + b"\n"
    )
    upload = SimpleUploadedFile("batch.jsonl", broken, content_type="application/jsonl")
    analyst_client.post(SUBMIT, {"kind": "file", "file-file": upload})
    run = process_run_inline(IngestRun.objects.get())
    assert (run.kind, run.items_seen, run.items_new, run.items_failed, run.status) == (
        "bulk",
        7,
        3,
        4,
        "done",
    )
    errors = {e["item"]: e["error"] for e in run.errors}
    assert errors["line 2"].startswith("not valid JSON")
    assert errors["line 4"] == "no text"
    assert errors["line 5"] == "not a JSON object"
    assert "is not a date" in errors["line 6"]


def test_the_gold_evaluation_file_is_valid_bulk_input(analyst_client, alice):
    grant(alice, "ingestion.add_source")  # the file names its sources; creating them needs this
    data = DEV_FILE.read_bytes()  # byte-identical to the shared gold file
    analyst_client.post(
        SUBMIT, {"kind": "file", "file-file": SimpleUploadedFile("dev.jsonl", data)}
    )
    run = process_run_inline(IngestRun.objects.get())
    count = len(data.splitlines())
    assert (run.items_seen, run.items_new, run.items_failed) == (count, count, 0)
    first = json.loads(data.splitlines()[0])
    article = Article.objects.get(title=first["title"])
    assert article.language == first["language"] and article.source.name == first["source"]


def test_an_uploaded_html_page_is_stored_as_plain_text_without_its_scripts(analyst_client):
    page = (
        Path(__file__).resolve().parents[1] / "fixtures" / "pages" / "hegseth.html"
    ).read_bytes()
    analyst_client.post(
        SUBMIT, {"kind": "file", "file-file": SimpleUploadedFile("hegseth.html", page)}
    )
    process_run_inline(IngestRun.objects.get())
    article = Article.objects.get()
    assert article.title == "Hegseth rules out NATO membership for Kyiv"
    assert article.author == "Marta Nowak" and article.published == dt.date(2025, 2, 12)
    assert "NATO membership for Kyiv was not a realistic outcome" in article.text
    for hostile in ("<script", "alert(", "onclick", "<iframe", "tracking", "<p"):
        assert hostile not in article.text
    assert article.language == "en"


def test_other_file_types_are_refused(analyst_client):
    upload = SimpleUploadedFile("notes.pdf", b"%PDF-1.4")
    response = analyst_client.post(SUBMIT, {"kind": "file", "file-file": upload})
    assert (
        response.status_code == 400
        and "Upload a .html, .txt or .jsonl file." in response.content.decode()
    )


def test_admins_submit_from_admin_too(admin_client):
    page = admin_client.get(reverse("admin:ingestion_ingestrun_submit"))
    assert page.status_code == 200 and 'name="paste-text"' in page.content.decode()
    response = admin_client.post(reverse("admin:ingestion_ingestrun_submit"), PASTE)
    run = IngestRun.objects.get()
    assert response.status_code == 302 and str(run.id) in response["Location"]
    assert run.submitted_by.username == "root"
    listing = admin_client.get(reverse("admin:ingestion_ingestrun_changelist")).content.decode()
    assert reverse("admin:ingestion_ingestrun_submit") in listing


def test_the_nav_links_to_the_submit_page_for_analysts(analyst_client):
    assert 'href="/submit/"' in analyst_client.get(SUBMIT).content.decode()


def test_an_accepted_submission_tells_its_form_to_empty_itself(analyst_client):
    response = analyst_client.post(SUBMIT, PASTE, headers={"HX-Request": "true"})
    assert response["HX-Trigger"] == "submitted"
    refused = analyst_client.post(
        SUBMIT, {"kind": "url", "url-url": "javascript:alert(1)"}, headers={"HX-Request": "true"}
    )
    assert "HX-Trigger" not in refused


def test_the_status_box_comes_before_the_forms_and_is_not_green_when_lines_failed(
    analyst_client,
):
    analyst_client.post(SUBMIT, PASTE)
    run = process_run_inline(IngestRun.objects.get())
    Article.objects.update(state=Article.State.EXTRACTED)
    IngestRun.objects.filter(id=run.id).update(
        items_failed=2, errors=[{"item": "line 3", "error": "not JSON"}]
    )
    html = analyst_client.get(reverse("ingestion:run", args=[run.id])).content.decode()
    assert html.index('id="run-status"') < html.index('id="submit-forms"')
    assert "has-failures" in html and "Done, with 2 failed" in html
