"""Statement dates resolved against the published date."""

from datetime import date

from tests.nlp.helpers import positions
from tracker.nlp.dates import find_date

PUBLISHED = date(2025, 8, 20)  # a Wednesday


def test_weekday_is_the_most_recent_such_day():
    assert find_date("en", ["on", "Tuesday"], PUBLISHED)[0] == date(2025, 8, 19)
    assert find_date("fr", ["mardi"], PUBLISHED)[0] == date(2025, 8, 19)
    assert find_date("de", ["am", "Dienstag"], PUBLISHED)[0] == date(2025, 8, 19)
    assert find_date("ru", ["во", "вторник"], PUBLISHED)[0] == date(2025, 8, 19)
    assert find_date("ar", ["يوم", "الثلاثاء"], PUBLISHED)[0] == date(2025, 8, 19)
    assert find_date("en", ["on", "Wednesday"], PUBLISHED)[0] == PUBLISHED


def test_relative_days():
    assert find_date("uk", ["вчора"], PUBLISHED)[0] == date(2025, 8, 19)
    assert find_date("ar", ["أمس"], PUBLISHED)[0] == date(2025, 8, 19)


def test_explicit_dates():
    assert find_date("en", ["on", "12", "March", "2025"], PUBLISHED)[0] == date(2025, 3, 12)
    assert find_date("ar", ["في", "فبراير", "2022"], PUBLISHED)[0] == date(2022, 2, 1)
    assert find_date("ru", ["12", "марта"], PUBLISHED)[0] == date(2025, 3, 12)


def test_past_position_is_not_dated_to_the_article():
    found = positions(
        "Donald Trump had previously said that he would not send troops to Ukraine.",
        "en",
        PUBLISHED,
    )
    assert found and all(p.is_past and p.stated_on is None for p in found)


def test_present_position_without_date_cue_gets_the_published_date():
    found = positions("Italy will not send troops to Ukraine.", "en", PUBLISHED)
    assert found and found[0].stated_on == PUBLISHED


def test_nothing_resolves_to_a_date_after_the_article():
    # "on 29 August" in an article of 20 August is an appointment, not when anything was said.
    assert find_date("en", ["on", "29", "August"], PUBLISHED)[0] is None
    assert find_date("en", ["by", "March", "2027"], PUBLISHED)[0] is None
    assert find_date("en", ["on", "19", "August"], PUBLISHED)[0] == date(2025, 8, 19)
