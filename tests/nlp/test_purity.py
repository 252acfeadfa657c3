"""The extraction pipeline is pure: importing it loads neither Django nor Celery."""

import pkgutil
import subprocess
import sys

import tracker.nlp

# Every module of the package the first import-linter contract in pyproject.toml forbids to
# import Django, Celery or the apps.
PURE = ("tracker.nlp",) + tuple(
    module.name for module in pkgutil.walk_packages(tracker.nlp.__path__, "tracker.nlp.")
)


def test_importing_the_pipeline_imports_neither_django_nor_celery():
    assert "tracker.nlp.pipeline" in PURE and "tracker.nlp.normalize.arabic" in PURE
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
