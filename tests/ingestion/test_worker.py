"""Real Celery workers on Redis take submissions from the form to extracted articles, retrying politely."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from tests.ingestion.conftest import Reply, fixture_bytes, html_reply
from tracker.ingestion.models import Article, IngestRun, PendingItem
from tracker.ingestion.runs import process_items, process_run_inline, start_bulk_run, start_url_run


def wait_for(predicate, timeout: float = 40.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting")


@pytest.mark.slow
def test_a_submitted_url_is_fetched_by_a_worker_and_its_article_appears_extracted(
    http_server, allow_loopback, celery_worker, client, alice
):
    http_server.routes["/world/hegseth"] = html_reply(fixture_bytes("pages", "hegseth.html"))
    client.force_login(alice)
    url = http_server.url("/world/hegseth?utm_source=newsletter&fbclid=xyz")
    client.post("/submit/", {"kind": "url", "url-url": url}, headers={"HX-Request": "true"})
    run = IngestRun.objects.get()
    article = wait_for(lambda: Article.objects.filter(state=Article.State.EXTRACTED).first())
    wait_for(lambda: IngestRun.objects.get(id=run.id).is_finished)
    assert article.url == http_server.url("/world/hegseth").replace("http://", "https://")
    assert article.source.name == "127.0.0.1" and article.ingest_run_id == run.id
    run.refresh_from_db()
    assert (run.status, run.items_new, run.submitted_by) == ("done", 1, alice)
    status = client.get(
        reverse("ingestion:run", args=[run.id]), headers={"HX-Request": "true"}
    ).content.decode()
    assert "Hegseth rules out NATO membership for Kyiv" in status and "hx-trigger" not in status


@pytest.mark.slow
def test_a_worker_retries_a_503_after_the_servers_retry_after(
    http_server, allow_loopback, celery_worker
):
    answers = iter([Reply(503, b"busy", {"Retry-After": "1", "Content-Type": "text/plain"})])

    def flaky(handler):
        return next(answers, None) or html_reply(fixture_bytes("pages", "hegseth.html"))

    http_server.routes["/flaky"] = flaky
    from tracker.ingestion.tasks import dispatch_run

    run = start_url_run(http_server.url("/flaky"))
    started = time.monotonic()
    dispatch_run(run.id)
    # The article is saved before the run's counters close, so wait for the run itself.
    wait_for(lambda: IngestRun.objects.get(id=run.id).is_finished)
    assert Article.objects.count() == 1
    assert time.monotonic() - started >= 1.0
    assert http_server.hits("/flaky") == 2
    run.refresh_from_db()
    assert (run.status, run.items_new, run.items_failed) == ("done", 1, 0)


@pytest.mark.slow
def test_workers_ingest_a_bulk_file_split_into_batches_and_extract_it_in_batches(
    celery_worker, settings
):
    from celery.signals import before_task_publish

    from tracker.ingestion.tasks import dispatch_run

    settings.INGEST_CHUNK_SIZE = 4
    settings.EXTRACTION_BATCH_SIZE = 3
    extraction_tasks = []

    def seen(sender=None, body=None, **kwargs):
        if sender == "tracker.extraction.tasks.extract_articles":
            extraction_tasks.append(body[0][0])

    before_task_publish.connect(seen, weak=False)
    try:
        data = fixture_bytes("dev.jsonl") + b"not json\n"
        run = start_bulk_run("dev.jsonl", data)
        dispatch_run(run.id)
        wait_for(lambda: IngestRun.objects.get(id=run.id).is_finished)
        run.refresh_from_db()
        assert (run.items_seen, run.items_new, run.items_failed) == (12, 11, 1)
        assert run.errors[0]["item"] == "line 12"
        assert not PendingItem.objects.filter(run=run).exists()
        articles = Article.objects.filter(ingest_run=run)
        wait_for(lambda: articles.filter(state=Article.State.EXTRACTED).count() == 11)
    finally:
        before_task_publish.disconnect(seen)
    # One extraction task per ingest batch of 4, cut to the extraction batch size of 3.
    assert sorted(len(ids) for ids in extraction_tasks) == [1, 1, 3, 3, 3]
    assert sorted(i for ids in extraction_tasks for i in ids) == sorted(
        articles.values_list("id", flat=True)
    )


def test_a_404_is_recorded_and_not_retried(http_server, allow_loopback, db):
    sleeps = []
    run = process_run_inline(start_url_run(http_server.url("/gone")), sleep=sleeps.append)
    assert http_server.hits("/gone") == 1 and sleeps == []
    assert run.status == "failed" and "answered 404" in run.errors[0]["error"]


def test_429_and_5xx_are_retried_with_backoff_until_they_succeed(http_server, allow_loopback, db):
    answers = iter(
        [
            Reply(429, b"", {"Retry-After": "3", "Content-Type": "text/plain"}),
            Reply(502, b"", {"Content-Type": "text/plain"}),
        ]
    )
    http_server.routes["/busy"] = lambda handler: (
        next(answers, None) or html_reply(fixture_bytes("pages", "hegseth.html"))
    )
    sleeps = []
    run = process_run_inline(start_url_run(http_server.url("/busy")), sleep=sleeps.append)
    assert run.items_new == 1 and http_server.hits("/busy") == 3
    assert sleeps[0] >= 3 and len(sleeps) == 2


def test_a_url_that_keeps_failing_is_given_up_after_the_attempt_limit(
    http_server, allow_loopback, db, settings
):
    settings.FETCH_MAX_ATTEMPTS = 3
    http_server.routes["/down"] = Reply(500, b"", {"Content-Type": "text/plain"})
    sleeps = []
    run = process_run_inline(start_url_run(http_server.url("/down")), sleep=sleeps.append)
    assert http_server.hits("/down") == 3 and len(sleeps) == 2
    assert run.status == "failed" and "gave up after 3 attempts" in run.errors[0]["error"]


def test_a_poison_item_is_given_up_and_does_not_block_the_others(db):
    run = start_bulk_run(
        "two.jsonl",
        b'{"title": "A", "text": "First article text."}\n'
        b'{"title": "B", "text": "Second article text."}\n',
    )
    poison, healthy = PendingItem.objects.filter(run=run).order_by("id")
    PendingItem.objects.filter(id=poison.id).update(attempts=3)  # it killed the worker three times
    process_items(run.id, [poison.id, healthy.id])
    run.refresh_from_db()
    assert (run.status, run.items_new, run.items_failed) == ("done", 1, 1)
    assert "given up after 3 attempts" in run.errors[0]["error"]
    assert Article.objects.get().title == "B"


def test_an_unexpected_error_costs_one_item_only(db, monkeypatch):
    from tracker.ingestion import runs

    real = runs.ingest_item

    def exploding(item, **kwargs):
        if item.payload["title"] == "A":
            raise RuntimeError("parser crashed")
        return real(item, **kwargs)

    monkeypatch.setattr(runs, "ingest_item", exploding)
    run = start_bulk_run(
        "two.jsonl",
        b'{"title": "A", "text": "First article text."}\n'
        b'{"title": "B", "text": "Second article text."}\n',
    )
    run = process_run_inline(run)
    assert (run.items_new, run.items_failed) == (1, 1)
    assert run.errors[0] == {
        "item": "line 1",
        "error": "unexpected error: RuntimeError: parser crashed",
    }


def test_a_non_utf8_page_is_stored_as_proper_text(http_server, allow_loopback, db):
    body = fixture_bytes("pages", "zakharova_cp1251.html")
    http_server.routes["/ru"] = Reply(200, body, {"Content-Type": "text/html; charset=iso-8859-1"})
    run = process_run_inline(start_url_run(http_server.url("/ru")))
    article = Article.objects.get()
    assert run.items_new == 1
    assert "Россия категорически отвергает" in article.text and article.language == "ru"
    assert article.title.startswith("Захарова")


def test_a_page_with_odd_schemes_in_the_form_never_reaches_the_queue(db):
    from tracker.ingestion.ingest import IngestError

    for url in (
        "javascript:alert(1)",
        "file:///etc/passwd",
        "ftp://example.org/x",
        "gopher://example.org/",
    ):
        with pytest.raises(IngestError, match="Only http:// and https:// URLs"):
            start_url_run(url)
    assert not IngestRun.objects.exists()


def test_the_ingest_command_takes_a_url_a_file_or_stdin(
    http_server, allow_loopback, db, tmp_path, capsys, monkeypatch
):
    import io
    import sys

    from django.core.management import call_command

    http_server.routes["/page"] = html_reply(fixture_bytes("pages", "hegseth.html"))
    call_command("ingest", http_server.url("/page"))
    note = tmp_path / "note.txt"
    note.write_text(
        "Merz keeps the door open\n\nFriedrich Merz did not rule out German troops in Ukraine."
    )
    call_command("ingest", str(note))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(fixture_bytes("dev.jsonl"))))
    call_command("ingest", "-")
    out = capsys.readouterr().out
    assert "1 new" in out and "11 seen, 11 new" in out
    assert Article.objects.filter(title="Merz keeps the door open").exists()
    assert Article.objects.count() == 13
