"""The development set must keep its floors (see shared/eval/README.md)."""

from pathlib import Path

import pytest

from tracker.nlp.evaluate import evaluate_file, read_gold
from tracker.nlp.resources import default_resources

DEV = Path(__file__).resolve().parent.parent / "fixtures" / "dev.jsonl"


@pytest.fixture(scope="module")
def report():
    return evaluate_file(DEV, default_resources())


def test_positions_floors(report):
    assert report.f1("positions_strict") >= 0.80
    assert report.f1("positions_lenient") >= 0.85


def test_actor_and_proposal_floors(report):
    assert report.f1("actors") >= 0.90
    assert report.f1("proposals") >= 0.90


def test_every_language_keeps_its_position_floor(report):
    for language, table in report.by_language.items():
        assert table["positions_strict"].f1 >= 0.70, language


def test_summary_line(report):
    assert report.lines()[-1].startswith("positions_strict_f1=")


def test_malformed_line_names_its_number(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "text": "x"}\n{not json\n', encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        read_gold(path)
