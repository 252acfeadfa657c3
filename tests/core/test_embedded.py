"""The embedded defaults (tracker.embedded's PostgreSQL, the file broker) that `make run` starts.

The commands a newcomer's `make run` relies on run in subprocesses against an embedded server of
their own under a temporary var folder: the server keeps its data across a stop, is shared by
the commands using it, and stops when the last of them ends, Ctrl-C included.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest

from tracker.embedded import EmbeddedPostgres

ROOT = Path(__file__).resolve().parents[2]
DEV = [json.loads(line) for line in (ROOT / "tests/fixtures/dev.jsonl").read_text().splitlines()]
COUNTS = (
    "import json; from tracker.ingestion.models import Article, Story; "
    "print(json.dumps({'states': sorted(set(Article.objects.values_list('state', flat=True))), "
    "'stories': sorted(Story.objects.values_list('article_count', 'source_count'))}))"
)


@pytest.fixture
def var_dir():
    # Not under pytest's tmp_path: as root the server runs as another user, who must be able
    # to enter every folder above its cluster.
    folder = Path(tempfile.mkdtemp(prefix="tracker-var-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def environment(var_dir: Path) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SECRET_KEY", "DEBUG", "CELERY_BROKER_URL", "REDIS_URL"}
    }
    env.update(TRACKER_VAR_DIR=str(var_dir), CELERY_BROKER_URL="filesystem://")
    return env


def run(var_dir, *args, embedded=False):
    prefix = [sys.executable, "-m", "tracker.embedded"] if embedded else []
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [*prefix, sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment(var_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def postgres_processes(server: EmbeddedPostgres) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        if process.info["name"] == "postgres" and str(server.data) in (
            process.info["cmdline"] or []
        ):
            found.append(process)
    return found


@pytest.mark.slow
def test_embedded_postgres_ingests_extracts_and_keeps_its_data_across_restarts(var_dir):
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
    bulk = var_dir / "bulk.jsonl"
    bulk.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    server = EmbeddedPostgres(var_dir)
    with server:
        assert server.running()
        run(var_dir, "migrate", "-v0")
        assert "5 new" in run(var_dir, "ingest", str(bulk))
        out = run(var_dir, "extract", "--all")
        assert out.splitlines()[-1] == "Extracted 5 article(s).", out
        # A second command on the same server leaves it running for the first.
        run(var_dir, "check", "--database", "default", embedded=True)
        assert server.running()
    assert not server.running() and not postgres_processes(server)

    # The next start finds the data where it was, and stops again after its command.
    figures = json.loads(run(var_dir, "shell", "-c", COUNTS, embedded=True).splitlines()[-1])
    assert figures["states"] == ["extracted"]
    assert figures["stories"] == [[1, 1], [1, 1], [1, 1], [2, 2]]
    assert not server.running() and not postgres_processes(server)


@pytest.mark.slow
def test_ctrl_c_stops_the_command_and_then_the_server(var_dir):
    server = EmbeddedPostgres(var_dir)
    wrapper = subprocess.Popen(  # noqa: S603 - our own interpreter
        [sys.executable, "-m", "tracker.embedded", "sleep", "120"],
        cwd=ROOT,
        env=environment(var_dir),
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    deadline = time.monotonic() + 120
    while not [c for c in psutil.Process(wrapper.pid).children() if c.name() == "sleep"]:
        assert wrapper.poll() is None and time.monotonic() < deadline
        time.sleep(0.2)
    assert server.running() and postgres_processes(server)
    os.killpg(wrapper.pid, signal.SIGINT)
    assert wrapper.wait(timeout=60) != 0  # sleep was interrupted
    assert not server.running() and not postgres_processes(server)
