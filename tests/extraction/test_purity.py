"""The extraction pipeline is pure: importing it loads neither Django nor Celery."""

import subprocess
import sys

# The same modules the first import-linter contract in pyproject.toml forbids to import Django.
PURE = (
    "tracker.extraction.vocabulary",
    "tracker.extraction.normalize",
    "tracker.extraction.pipeline",
    "tracker.extraction.gazetteer",
    "tracker.extraction.proposals",
    "tracker.extraction.stance",
    "tracker.extraction.attribution",
    "tracker.extraction.dates",
    "tracker.extraction.language",
    "tracker.extraction.candidates",
    "tracker.extraction.learned",
    "tracker.extraction.resources",
    "tracker.extraction.evaluate",
)


def test_importing_the_pipeline_imports_neither_django_nor_celery():
    code = (
        "import sys; "
        + "; ".join(f"import {module}" for module in PURE)
        + "; loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'celery'));"
        " assert not loaded, loaded"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter and a constant program)
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr


def test_django_start_up_still_loads_the_celery_app_for_the_web_process():
    from celery import current_app

    from tracker.celery import app

    assert current_app.main == app.main == "tracker"
    assert current_app.conf.broker_url == app.conf.broker_url
