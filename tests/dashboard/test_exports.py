"""CSV and JSON exports of positions, the matrix and shifts, for the current filters, streamed."""

import csv
import io
import json

from tests.conftest import make_article, make_position


def body(response) -> str:
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_positions_csv_has_the_header_and_the_filtered_rows(analyst_client, world):
    response = analyst_client.get("/?proposal=air_support&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="positions.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert list(rows[0]) == [
        "id",
        "timeline_date",
        "stated_on",
        "is_past",
        "date_approximate",
        "actor_id",
        "actor",
        "proposal",
        "stance",
        "review_status",
        "confidence",
        "evidence",
        "rules",
        "article_id",
        "article_title",
        "article_url",
        "language",
        "source",
    ]
    assert [(r["actor"], r["stance"]) for r in rows] == [
        ("Kremlin", "considering"),
        ("Kremlin", "oppose"),
    ]


def test_positions_json_keeps_arabic_and_ignores_the_page_size(analyst_client, world):
    response = analyst_client.get("/?format=json&limit=1")
    data = json.loads(body(response))
    assert len(data) == 4
    assert any(item["evidence"] == "رفضها القاطع لأي انتشار لقوات" for item in data)


def test_csv_cells_that_look_like_formulas_are_neutralised(analyst_client, world):
    article = make_article(
        title='=HYPERLINK("http://evil")', text="Trump said =cmd| support air support."
    )
    make_position(article, "Donald Trump", "air_support", "support", "=cmd| support air support")
    text = body(analyst_client.get("/?format=csv&proposal=air_support&stance=support"))
    assert "'=cmd| support" in text and "'=HYPERLINK" in text


def test_matrix_csv_and_json(analyst_client, world):
    rows = list(csv.DictReader(io.StringIO(body(analyst_client.get("/matrix/?format=csv")))))
    kremlin = next(r for r in rows if r["actor"] == "Kremlin")
    assert kremlin["air_support"] == "considering" and kremlin["ground_troops"] == ""
    data = json.loads(body(analyst_client.get("/matrix/?format=json&as_of=2025-08-10")))
    kremlin = next(r for r in data if r["actor"] == "Kremlin")
    assert kremlin["air_support"] == "oppose" and kremlin["air_support_date"] == "2025-08-01"


def test_shifts_export(analyst_client, world):
    data = json.loads(body(analyst_client.get("/shifts/?format=json")))
    assert [(s["actor"], s["from_stance"], s["to_stance"]) for s in data] == [
        ("Kremlin", "oppose", "considering")
    ]


def test_export_links_carry_the_current_filters(analyst_client, world):
    html = analyst_client.get("/?proposal=air_support&stance=oppose").content.decode()
    assert "?proposal=air_support&amp;stance=oppose&amp;format=csv" in html
