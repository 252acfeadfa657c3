"""Statement dates: weekdays, "yesterday" and explicit dates resolved against the published date.

Small per-language tables instead of dateparser: they are fast and only need
to recognise the forms news reports use ("on Tuesday", "يوم الثلاثاء", "во
вторник", "am Dienstag", "mardi", "вчора", "12 March 2025", "في فبراير 2022").
A weekday means the most recent such day on or before publication; nothing
resolves to a date after it (a statement is not reported before it is made).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

from tracker.nlp.normalize import fold
from tracker.nlp.normalize.arabic import orthographic

# Prefixes of the folded word, Monday = 0.
WEEKDAYS = {
    "en": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    "de": ["montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag"],
    "ru": ["понедельник", "вторник", "сред", "четверг", "пятниц", "суббот", "воскресень"],
    "uk": ["понеділ", "вівтор", "серед", "четвер", "п'ятниц", "субот", "неділ"],
    "ar": ["الاثنين", "الثلاثاء", "الاربعاء", "الخميس", "الجمعه", "السبت", "الاحد"],
}
RELATIVE = {
    "en": {"yesterday": -1, "today": 0},
    "fr": {"hier": -1, "aujourd'hui": 0, "avant-hier": -2},
    "de": {"gestern": -1, "heute": 0, "vorgestern": -2},
    "ru": {"вчера": -1, "сегодня": 0, "позавчера": -2},
    "uk": {"вчора": -1, "учора": -1, "сьогодні": 0, "позавчора": -2},
    "ar": {"امس": -1, "اليوم": 0},
}
MONTHS = {
    "en": [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ],
    "fr": [
        "janvier",
        "fevrier",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "aout",
        "septembre",
        "octobre",
        "novembre",
        "decembre",
    ],
    "de": [
        "januar",
        "februar",
        "marz",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "dezember",
    ],
    "ru": [
        "январ",
        "феврал",
        "март",
        "апрел",
        "ма",
        "июн",
        "июл",
        "август",
        "сентябр",
        "октябр",
        "ноябр",
        "декабр",
    ],
    "uk": [
        "січ",
        "лют",
        "берез",
        "квіт",
        "трав",
        "черв",
        "лип",
        "серп",
        "верес",
        "жовт",
        "листопад",
        "груд",
    ],
    "ar": [
        "يناير",
        "فبراير",
        "مارس",
        "ابريل",
        "مايو",
        "يونيو",
        "يوليو",
        "اغسطس",
        "سبتمبر",
        "اكتوبر",
        "نوفمبر",
        "ديسمبر",
    ],
}
_EXACT_MONTH = {"ru": {"ма": ("мая", "май", "мае")}}
_DIGITS = re.compile(r"^\d{1,4}$")


@lru_cache(maxsize=100_000)
def _fold(language: str, word: str) -> str:
    if language == "ar":
        word = orthographic(word)
        known = set(WEEKDAYS["ar"]) | set(MONTHS["ar"]) | set(RELATIVE["ar"])
        if word not in known:
            for pre in ("وب", "و", "ب", "ف", "ل"):  # proclitics: وفي فبراير، بالأمس
                if word.startswith(pre) and word[len(pre) :] in known:
                    return word[len(pre) :]
        return word
    if language in ("ru", "uk"):
        return word.casefold().replace("\u2019", "'")
    return fold(word).replace("\u2019", "'")


@lru_cache(maxsize=100_000)
def _month(language: str, word: str) -> int | None:
    for index, prefix in enumerate(MONTHS.get(language, ())):
        if language == "ru" and prefix == "ма":
            if word in _EXACT_MONTH["ru"]["ма"]:
                return index + 1
            continue
        if word.startswith(prefix) and (len(prefix) >= 4 or len(word) <= len(prefix) + 3):
            return index + 1
    return None


@lru_cache(maxsize=100_000)
def _weekday(language: str, word: str) -> int | None:
    for index, prefix in enumerate(WEEKDAYS.get(language, ())):
        if word.startswith(prefix) and len(word) <= len(prefix) + 4:
            if language == "ar" and word != prefix:
                continue
            return index
    return None


DATE_WORDS_SIZE = 100_000  # word forms remembered per language
# Whether a word form names a date, per language. Every word of every sentence that holds a
# position is asked: a dict read is several times cheaper than an lru_cache call, which also
# reorders its list on every hit. Emptied when it grows too big, as the token cache is.
_date_words: dict[str, dict[str, bool]] = {}


def _names_a_date(language: str, word: str) -> bool:
    """Whether a surface word is a month, a weekday or a relative day ("yesterday") of the language."""
    folded = _fold(language, word)
    return (
        _month(language, folded) is not None
        or folded in RELATIVE.get(language, {})
        or _weekday(language, folded) is not None
    )


def find_date(
    language: str, words: list[str], published: date | None
) -> tuple[date | None, str | None, bool]:
    """The date named in a clause: (date, rule, explicit). ``words`` are surface words in text order."""
    known = _date_words.get(language)
    if known is None or len(known) > DATE_WORDS_SIZE:
        known = _date_words[language] = {}
    for w in words:
        names = known.get(w)
        if names is None:
            names = known[w] = _names_a_date(language, w)
        if names:
            break
    else:
        return None, None, False  # no month, weekday or relative day: most clauses
    folded = [_fold(language, w) for w in words]
    for k, word in enumerate(folded):
        month = _month(language, word)
        if month is None:
            continue
        day = year = None
        for j in (k - 1, k + 1):
            if 0 <= j < len(folded) and _DIGITS.match(folded[j]):
                value = int(folded[j])
                if (
                    1 <= value <= 31
                    and day is None
                    and j == k - 1
                    or (language == "en" and j == k + 1 and value <= 31)
                ):
                    day = value
                elif value >= 1900:
                    year = value
        for j in (k + 1, k + 2):
            if 0 <= j < len(folded) and _DIGITS.match(folded[j]) and int(folded[j]) >= 1900:
                year = int(folded[j])
        if year is None and published is not None:
            year = published.year if month <= published.month else published.year - 1
        if year is None:
            continue
        try:
            found = date(year, month, day or 1)
        except ValueError:
            continue
        if published is not None and found > published:
            # "by March 2027", "talks on 29 November" in an article of 27 November: a deadline or
            # an appointment, not when anything was said.
            continue
        return found, f"date:explicit:{language}:{words[k]}", day is not None
    if published is None:
        return None, None, False
    for k, word in enumerate(folded):
        offset = RELATIVE.get(language, {}).get(word)
        if offset is not None:
            return published + timedelta(days=offset), f"date:relative:{language}:{words[k]}", False
        weekday = _weekday(language, word)
        if weekday is not None:
            delta = (published.weekday() - weekday) % 7
            return published - timedelta(days=delta), f"date:weekday:{language}:{words[k]}", False
    return None, None, False
