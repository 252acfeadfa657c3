"""The embedded defaults (SQLite, file broker) run the same ingestion and extraction code paths.

The rest of the suite runs on PostgreSQL; this runs the commands a newcomer's `make run` relies on
in a subprocess on SQLite, so SQL written for both databases is tried on both.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEV = [json.loads(line) for line in (ROOT / "tests/fixtures/dev.jsonl").read_text().splitlines()]


def manage(tmp_path, *args):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SECRET_KEY", "DEBUG", "CELERY_BROKER_URL", "REDIS_URL"}
    }
    environment.update(TRACKER_VAR_DIR=str(tmp_path), CELERY_BROKER_URL="filesystem://")
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.mark.slow
def test_sqlite_ingests_groups_stories_and_extracts_in_batches(tmp_path):
    first = {**DEV[0], "url": "https://outlet-a.example.org/story"}
    lines = [
        {**first, "source": "Outlet A"},
        # The same story from another outlet, lightly edited: one story, two sources.
        {
            **first,
            "url": "https://outlet-b.example.org/story",
            "source": "Outlet B",
            "text": first["text"] + " More soon.",
        },
        *({**record, "source": "Outlet C"} for record in DEV[1:4]),
    ]
    bulk = tmp_path / "bulk.jsonl"
    bulk.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    manage(tmp_path, "migrate", "-v0")
    out = manage(tmp_path, "ingest", str(bulk))
    assert "5 new" in out, out
    out = manage(tmp_path, "extract", "--all")
    assert out.splitlines()[-1] == "Extracted 5 article(s).", out
    report = manage(
        tmp_path,
        "shell",
        "-c",
        "import json; from tracker.ingestion.models import Article, Story; "
        "print(json.dumps({'states': sorted(set(Article.objects.values_list('state', flat=True))), "
        "'stories': sorted(Story.objects.values_list('article_count', 'source_count'))}))",
    )
    figures = json.loads(report.strip().splitlines()[-1])
    assert figures["states"] == ["extracted"]
    assert figures["stories"] == [[1, 1], [1, 1], [1, 1], [2, 2]]
