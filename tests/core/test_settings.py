"""Start-up refuses bad configuration with one message that names the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_check(tmp_path, **env):
    environment = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "DEBUG"}
    }
    environment.update({"TRACKER_VAR_DIR": str(tmp_path)})
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DEBUG": "maybe"}, "DEBUG"),
        (
            {"DATABASE_URL": "mysql://root@localhost/tracker", "SECRET_KEY": "x" * 40},
            "DATABASE_URL",
        ),
        ({"DATABASE_URL": "not a url at all", "SECRET_KEY": "x" * 40}, "DATABASE_URL"),
        ({"DATABASE_URL": "sqlite:///tracker.sqlite3", "SECRET_KEY": "x" * 40}, "DATABASE_URL"),
        ({"CELERY_BROKER_URL": "ftp://example.org"}, "CELERY_BROKER_URL"),
        ({"TIME_ZONE": "Mars/Olympus_Mons"}, "TIME_ZONE"),
        ({"WORKER_PREFETCH": "lots"}, "WORKER_PREFETCH"),
        ({"DATABASE_URL": "postgres://postgres@127.0.0.1/tracker"}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
    ],
)
def test_it_refuses_invalid_environment_values(tmp_path, env, named):
    result = run_check(tmp_path, **env)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("Configuration error:")
    assert named in last_line


def test_embedded_mode_generates_a_secret_key_once(tmp_path):
    first = run_check(tmp_path, CELERY_BROKER_URL="filesystem://")
    assert first.returncode == 0, first.stderr
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    run_check(tmp_path, CELERY_BROKER_URL="filesystem://")
    assert (tmp_path / "secret_key").read_text() == key


def test_the_suite_uses_redis_as_broker(settings):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
