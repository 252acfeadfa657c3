"""Uploads are streamed a line at a time with bounded memory and errors, and what people upload
keeps its provenance: who uploaded it, that it was uploaded, and no claim on a URL that stops
the real article from being fetched."""

from __future__ import annotations

import io
import json
import tracemalloc

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from tests.conftest import grant
from tests.ingestion.conftest import Reply, html_reply
from tracker.ingestion.models import Article, IngestRun, Source
from tracker.ingestion.runs import (
    poll_source,
    process_run_inline,
    read_lines,
    start_bulk_run,
    start_file_run,
    start_url_run,
)

SUBMIT = "/submit/"
TEXT = (
    "Kremlin spokesman Dmitry Peskov said on Tuesday that the deployment of foreign troops "
    "on Ukrainian soil was unacceptable to Russia."
)
GENUINE_PAGE = (
    "<html><head><title>Macron: the reassurance force is ready</title></head><body><article>"
    "<h1>Macron: the reassurance force is ready</h1>"
    + "<p>French President Emmanuel Macron said on Thursday that twenty-six countries had "
    "committed to deploy troops to Ukraine as a reassurance force after a ceasefire.</p>"
    * 4
    + "</article></body></html>"
)


def upload(client, name: str, data: bytes):
    return client.post(SUBMIT, {"kind": "file", "file-file": SimpleUploadedFile(name, data)})


def jsonl(*records: dict) -> bytes:
    return b"".join(json.dumps(record).encode() + b"\n" for record in records)


# --- Hole 5: streaming, bounded errors, caps ----------------------------------------------


def test_a_junk_upload_of_many_lines_keeps_the_first_errors_and_counts_the_rest(
    analyst_client, settings
):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # Django's temporary file, as for a real upload
    lines = 300_000
    upload(analyst_client, "junk.jsonl", b"ab\n" * lines)
    run = IngestRun.objects.get()
    assert (run.status, run.items_seen, run.items_failed) == ("failed", lines, lines)
    assert len(run.errors) == IngestRun.SHOWN_ERRORS + 1
    assert run.errors[0] == {
        "item": "line 1",
        "error": "not valid JSON at column 1 (Expecting value)",
    }
    assert run.errors[-1] == {
        "item": "more lines",
        "error": f"{lines - IngestRun.SHOWN_ERRORS:,} more bad lines are counted but not listed",
    }


class ReadWholeRefused(io.BufferedReader):
    """A file that fails the test if anyone reads it whole or splits it into lines at once."""

    def read(self, size=-1):
        assert size is not None and 0 <= size <= 1024 * 1024, f"read({size}) of the whole upload"
        return super().read(size)

    def readlines(self, hint=-1):
        raise AssertionError("readlines() of the whole upload")


def test_a_bulk_upload_is_read_a_line_at_a_time_in_bounded_memory(db, tmp_path):
    # 18 MB (just under the upload limit) of long junk lines: the upload path must never hold
    # the file, so its peak memory is a fraction of the file's size.
    path = tmp_path / "big.jsonl"
    line = b'{"text": ' + b"x" * 1000 + b"\n"
    lines = 18_000
    with path.open("wb") as handle:
        for _ in range(lines):
            handle.write(line)
    tracemalloc.start()
    try:
        with ReadWholeRefused(io.FileIO(path)) as stream:
            run = start_file_run("big.jsonl", stream)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert run.items_failed == lines
    assert peak < 6 * 1024 * 1024, f"peak {peak:,} bytes for an 18 MB upload"


def test_read_lines_skips_an_overlong_line_without_holding_it():
    data = b"short\n" + b"y" * 5000 + b"\nlast without newline"
    lines = list(read_lines(io.BytesIO(data), 100))
    assert lines == [(1, b"short\n"), (2, None), (3, b"last without newline")]
    exact = list(read_lines(io.BytesIO(b"z" * 100 + b"\r\n" + b"z" * 101), 100))
    assert exact == [(1, b"z" * 100 + b"\r\n"), (2, None)]


def test_the_default_upload_limit_is_twenty_megabytes_and_bigger_files_are_refused(
    analyst_client, settings
):
    from django.conf import settings as live

    assert live.INGEST_MAX_UPLOAD_BYTES == 20 * 1024 * 1024
    settings.INGEST_MAX_UPLOAD_BYTES = 2048
    response = upload(analyst_client, "big.jsonl", jsonl({"text": TEXT}) * 30)
    assert response.status_code == 400
    assert "larger than 2,048 bytes (INGEST_MAX_UPLOAD_BYTES)" in response.content.decode()
    assert not IngestRun.objects.exists()


def test_a_broken_jsonl_line_reports_the_file_line_and_the_column_only(analyst_client):
    upload(analyst_client, "broken.jsonl", jsonl({"text": TEXT}) + b'{"text": "x", oops}\n')
    run = process_run_inline(IngestRun.objects.get())
    assert run.errors == [
        {
            "item": "line 2",
            "error": "not valid JSON at column 15 (Expecting property name enclosed in double "
            "quotes)",
        }
    ]


def test_the_command_line_streams_a_bulk_file_too(db, tmp_path):
    path = tmp_path / "two.jsonl"
    path.write_bytes(jsonl({"text": TEXT}, {"text": TEXT + " Again."}))
    with path.open("rb") as handle:
        run = process_run_inline(start_bulk_run("two.jsonl", handle))
    assert (run.items_seen, run.items_new) == (2, 2)


# --- Hole 7: provenance ------------------------------------------------------------------


def test_uploaded_and_pasted_articles_record_who_supplied_them(analyst_client, alice):
    analyst_client.post(
        SUBMIT, {"kind": "paste", "paste-title": "Pasted", "paste-text": TEXT, "paste-language": ""}
    )
    upload(analyst_client, "lines.jsonl", jsonl({"title": "From a line", "text": TEXT + " More."}))
    for run in IngestRun.objects.all():
        process_run_inline(run)
    for title in ("Pasted", "From a line"):
        article = Article.objects.get(title=title)
        assert (article.uploaded, article.uploaded_by) == (True, alice)


def test_fetched_articles_are_not_marked_as_uploaded(http_server, allow_loopback, alice):
    http_server.routes["/news/1"] = html_reply(GENUINE_PAGE)
    run = process_run_inline(start_url_run(http_server.url("/news/1"), user=alice))
    article = Article.objects.get(id=run.article_ids[0])
    assert (article.uploaded, article.uploaded_by) == (False, None)


def test_a_bulk_line_cannot_create_a_source_without_the_add_source_permission(analyst_client):
    Source.objects.create(name="Known Outlet")
    upload(
        analyst_client,
        "sources.jsonl",
        jsonl(
            {"title": "Made up", "text": TEXT, "source": "Made-up Gazette"},
            {"title": "Made up too", "text": TEXT + " Twice.", "source": "Made-up Gazette"},
            {"title": "Known", "text": TEXT + " Known.", "source": "Known Outlet"},
        ),
    )
    run = process_run_inline(IngestRun.objects.get())
    assert (run.items_new, run.items_failed, run.status) == (3, 0, "done")
    assert not Source.objects.filter(name="Made-up Gazette").exists()
    assert Article.objects.get(title="Made up").source is None
    assert Article.objects.get(title="Known").source.name == "Known Outlet"
    notes = [e for e in run.errors if "Made-up Gazette" in e["item"]]
    assert len(notes) == 1
    assert "only people who may add sources can create one" in notes[0]["error"]


def test_someone_who_may_add_sources_creates_them_from_a_bulk_line(analyst_client, alice):
    grant(alice, "ingestion.add_source")
    upload(analyst_client, "sources.jsonl", jsonl({"text": TEXT, "source": "New Outlet"}))
    process_run_inline(IngestRun.objects.get())
    assert Article.objects.get().source.name == "New Outlet"


def test_a_fetch_of_a_url_an_upload_claimed_is_stored_and_linked_to_the_upload(
    http_server, allow_loopback, analyst_client, alice
):
    url = http_server.url("/news/1")
    fake = "Made-up text filed under a real outlet's address. " * 5
    upload(analyst_client, "claim.jsonl", jsonl({"title": "Fake", "url": url, "text": fake}))
    process_run_inline(IngestRun.objects.get())
    uploaded = Article.objects.get(title="Fake")
    assert uploaded.uploaded and uploaded.url.endswith("/news/1")

    http_server.routes["/news/1"] = html_reply(GENUINE_PAGE)
    run = process_run_inline(start_url_run(url))
    assert (run.items_new, run.items_duplicate) == (1, 0)
    genuine = Article.objects.get(id=run.article_ids[0])
    assert "twenty-six countries had committed" in genuine.text and not genuine.uploaded
    assert genuine.url == uploaded.url
    uploaded.refresh_from_db()
    assert uploaded.fetched_copy == genuine
    assert list(genuine.uploaded_copies.all()) == [uploaded]
    # A second fetch is a duplicate of the fetched article, not of the upload.
    again = process_run_inline(start_url_run(url))
    assert (again.items_new, again.items_duplicate, again.article_ids) == (0, 1, [genuine.id])


def test_a_feed_entry_whose_url_an_upload_claimed_is_not_dropped_as_a_duplicate(
    http_server, allow_loopback, analyst_client
):
    url = http_server.url("/news/2")
    upload(analyst_client, "claim.jsonl", jsonl({"title": "Fake", "url": url, "text": TEXT}))
    process_run_inline(IngestRun.objects.get())
    http_server.routes["/news/2"] = html_reply(GENUINE_PAGE)
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title>'
        f"<link>{http_server.base}/</link><item><title>Macron</title><link>{url}</link>"
        "<description>Short summary.</description></item></channel></rss>"
    ).encode()
    http_server.routes["/feed.xml"] = Reply(200, feed, {"Content-Type": "application/rss+xml"})
    source = Source.objects.create(
        name="Desk", kind=Source.Kind.FEED, url=http_server.url("/feed.xml")
    )
    run = process_run_inline(poll_source(source))
    assert (run.items_seen, run.items_new, run.items_duplicate) == (1, 1, 0)
    assert Article.objects.get(title="Fake").fetched_copy.title == "Macron"


class CountingHandler(FileUploadHandler):
    """Stands where Django's own handlers stand, counting what reaches them."""

    received = 0

    def receive_data_chunk(self, raw_data, start):
        CountingHandler.received += len(raw_data)
        return None

    def file_complete(self, file_size):
        return SimpleUploadedFile(self.file_name, b"x" * file_size)


def test_an_oversized_upload_is_dropped_as_it_arrives_not_written_out(analyst_client, settings):
    settings.INGEST_MAX_UPLOAD_BYTES = 256 * 1024
    settings.FILE_UPLOAD_HANDLERS = [
        "tracker.ingestion.uploads.UploadLimitHandler",
        "tests.ingestion.test_uploads.CountingHandler",
    ]
    CountingHandler.received = 0
    response = upload(analyst_client, "big.jsonl", jsonl({"text": TEXT}) * 20_000)  # ~3 MB
    assert response.status_code == 400
    assert "The file is larger than 262,144 bytes (INGEST_MAX_UPLOAD_BYTES)." in (
        response.content.decode()
    )
    assert 0 < CountingHandler.received <= 256 * 1024
    assert not IngestRun.objects.exists()
