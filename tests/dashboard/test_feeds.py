"""Atom feeds: what an article says reaches a feed reader as text, never as markup."""

import datetime as dt
import xml.etree.ElementTree as ET

from tests.conftest import make_article, make_position

ATOM = "{http://www.w3.org/2005/Atom}"
MARKUP = '<img src=x onerror="alert(1)"><b>Kyiv</b>'


def summaries(response) -> list[ET.Element]:
    assert response.status_code == 200
    return list(ET.fromstring(response.content).iter(f"{ATOM}summary"))  # noqa: S314 - our own feed


def test_an_article_title_with_markup_is_a_text_summary_in_the_positions_feed(
    analyst_client, catalogue
):
    article = make_article(
        title=f"Patriots {MARKUP}",
        text=f"Trump said {MARKUP} the US would send air defence.",
        published=dt.date(2025, 9, 1),
    )
    make_position(
        article, "Donald Trump", "air_defense", "support", f"{MARKUP} the US would send air defence"
    )
    (summary,) = summaries(analyst_client.get("/feeds/positions/"))
    assert summary.get("type") == "text"
    # The reader gets the characters back exactly, to show as they are.
    assert summary.text.count(MARKUP) == 2
    assert 'type="html"' not in analyst_client.get("/feeds/positions/").content.decode()


def test_evidence_with_markup_is_a_text_summary_in_the_shifts_feed(analyst_client, catalogue):
    before = make_article(
        title="Before",
        text=f"The Kremlin rejected {MARKUP} air support.",
        published=dt.date(2025, 8, 1),
    )
    after = make_article(
        title="After",
        text=f"The Kremlin was considering {MARKUP} air support.",
        published=dt.date(2025, 8, 19),
    )
    make_position(before, "Kremlin", "air_support", "oppose", f"rejected {MARKUP} air support")
    make_position(
        after, "Kremlin", "air_support", "considering", f"considering {MARKUP} air support"
    )
    (summary,) = summaries(analyst_client.get("/feeds/shifts/"))
    assert summary.get("type") == "text" and summary.text.count(MARKUP) == 2
