"""Re-running extraction as a tracked job: one article, a selection or everything, with progress."""

import time

import pytest
from django.core.management import call_command
from django.urls import reverse

from tracker.curation.models import ReextractionJob
from tracker.extraction.models import ExtractionRun
from tracker.ingestion.models import Article
from tracker.ingestion.seeds import load_seeds


@pytest.mark.django_db(transaction=True)
def test_a_job_for_everything_runs_on_the_celery_worker_and_counts_its_progress(
    celery_worker, client
):
    from tests.conftest import role_user

    load_seeds()
    Article.objects.update(state=Article.State.EXTRACTED)
    curator = role_user("cora", "Curator", staff=True)
    client.force_login(curator)
    total = Article.objects.count()
    response = client.post(reverse("curation:reextract"), {"everything": "on"})
    job = ReextractionJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("curation:job", args=[job.pk])
    assert (job.scope, job.total) == ("all", total)
    deadline = time.monotonic() + 60
    while job.status != "done" and time.monotonic() < deadline:
        time.sleep(0.25)
        job.refresh_from_db()
    assert (job.status, job.done, job.failed) == ("done", total, 0)
    assert ExtractionRun.objects.filter(status="done").count() >= total
    page = client.get(
        reverse("curation:job", args=[job.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert f"<strong>{total}</strong> of {total} articles done" in page
    assert "hx-trigger" not in page, "a finished job stops polling"


def test_a_running_job_page_polls_for_progress(curator_client, article):
    from tracker.curation import jobs

    job = jobs.create_job(article_ids=[article.pk])
    html = curator_client.get(reverse("curation:job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert "0</strong> of 1 articles done" in html
    assert job.scope == "article"


def test_the_admin_action_starts_a_job_for_the_selected_articles(client, curator, article):
    client.force_login(curator)
    response = client.post(
        "/admin/ingestion/article/",
        {"action": "reextract_articles", "_selected_action": [article.pk]},
    )
    job = ReextractionJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("curation:job", args=[job.pk])
    assert list(job.items.values_list("article_id", flat=True)) == [article.pk]


def test_the_reextract_command_runs_a_job_by_hand(article, capsys):
    call_command("reextract", str(article.pk), "--now")
    job = ReextractionJob.objects.get()
    assert (job.status, job.done, job.total) == ("done", 1, 1)
    assert "1/1 done" in capsys.readouterr().out
