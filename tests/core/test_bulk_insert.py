"""bulk_insert stores exactly what bulk_create stores, JSON and all, in one statement."""

import datetime as dt

from django.forms.models import model_to_dict

from tests.conftest import make_article
from tracker.core.db import bulk_insert
from tracker.extraction.models import Actor, ExtractionRun, Position, Proposal

TRICKY = 'quotes " and \\ backslashes, «ёлочки», عربي, emoji 🙂'


def _position(article, key):
    return Position(
        article=article,
        actor=Actor.objects.get(name="Kremlin"),
        proposal=Proposal.objects.get(kind="air_support"),
        stance=Position.Stance.OPPOSE,
        evidence=TRICKY,
        start=4,
        end=9,
        spans=[
            [4, 9, "actor", "Kremlin", f"alias:strong:ru:{TRICKY}"],
            [0, 2, "cue", "oppose", ""],
        ],
        sentence="",
        stated_on=None,
        is_past=True,
        date_approximate=False,
        timeline_date=dt.date(2025, 2, 28),
        confidence=0.125,
        rules=["stance:oppose:rejects", TRICKY],
        why=[["first_actor", 0.657], ["votes=oppose", -1.5]],
        original={"stance": "support", "nested": {"list": [1, None, True]}},
        extraction_key=key,
    )


def _stored(position):
    fields = model_to_dict(Position.objects.get(pk=position.pk))
    return {k: v for k, v in fields.items() if k not in {"id", "extraction_key"}}


def test_a_position_reads_back_as_bulk_create_stores_it(db):
    article = make_article(text=f"The Kremlin rejects it: {TRICKY}")
    (created,) = Position.objects.bulk_create([_position(article, "a")])
    inserted = [_position(article, "b"), _position(article, "c")]
    bulk_insert(inserted)
    assert all(p.pk and not p._state.adding for p in inserted)
    assert inserted[0].pk != inserted[1].pk
    assert _stored(inserted[0]) == _stored(created) == _stored(inserted[1])
    stored = Position.objects.get(pk=inserted[0].pk)
    assert stored.updated_at and stored.created_at  # auto_now and default filled in
    assert stored.spans[0][4].endswith(TRICKY) and stored.why[1] == ["votes=oppose", -1.5]


def test_records_that_have_their_ids_keep_them(db):
    article = make_article()
    (run,) = ExtractionRun.objects.bulk_create([ExtractionRun(article=article)])
    run_id = run.pk
    ExtractionRun.objects.filter(pk=run_id).delete()
    run.status = ExtractionRun.Status.DONE
    run.finished_at = dt.datetime(2025, 3, 1, 12, 30, 15, 250, tzinfo=dt.UTC)
    run.mentions = [[0, 7, "actor", "Kremlin", TRICKY]]
    bulk_insert([run])
    stored = ExtractionRun.objects.get(pk=run_id)
    assert (stored.status, stored.finished_at, stored.mentions) == (
        "done",
        run.finished_at,
        run.mentions,
    )
    assert stored.started_at == run.started_at
