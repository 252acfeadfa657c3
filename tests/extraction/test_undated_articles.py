"""An article without a publication date: its dates are reckoned from when it arrived, marked
approximate, and never later than that."""

import datetime as dt

import pytest
from django.utils import timezone

from tracker.dashboard.templatetags.dashboard import date_text
from tracker.extraction import extract
from tracker.ingestion.models import Article

FETCHED = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)  # a Friday


@pytest.fixture
def undated(db):
    return Article.objects.create(
        title="Pasted without a date",
        text=(
            "Italy will not send troops to Ukraine, Giorgia Meloni said on Tuesday. "
            "Emmanuel Macron said on 29 November that France would send troops to Ukraine."
        ),
        language="en",
        published=None,
        fetched_at=FETCHED,
        state=Article.State.INGESTED,
    )


def test_relative_dates_resolve_against_the_ingestion_day_and_are_marked_approximate(undated):
    extract.extract_article(undated.id)
    found = list(undated.positions.order_by("start"))
    assert found, "the pipeline found no position in the test article"
    ingested_on = timezone.localdate(FETCHED)
    assert all(p.timeline_date <= ingested_on for p in found)
    assert all(p.date_approximate for p in found)
    tuesday = [p for p in found if "Tuesday" in p.sentence]
    assert tuesday and tuesday[0].timeline_date == dt.date(2026, 11, 24)


def test_the_one_date_rendering():
    day = dt.date(2026, 11, 29)
    assert date_text(day) == "29 Nov 2026"
    assert date_text(day, approximate=True) == "≈ 29 Nov 2026"
    assert date_text(day, is_past=True) == "before 29 Nov 2026"
    assert date_text(day, stated_on=dt.date(2026, 11, 20), is_past=True) == "20 Nov 2026"
