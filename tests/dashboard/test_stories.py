"""One timeline item per (story, actor, proposal, stance), with "also reported by N other sources"."""

import datetime as dt
import json
import re

import pytest

from tests.conftest import make_article, make_position
from tracker.ingestion.models import Source, Story

TEXT = "The Kremlin rejected any Western air support for Ukraine."
EVIDENCE = "rejected any Western air support"


def source(name):
    return Source.objects.create(name=name, kind=Source.Kind.MANUAL)


def story_of(*articles):
    story = Story.objects.create(
        lead_article=articles[0],
        article_count=len(articles),
        source_count=len({a.source_id for a in articles}),
    )
    for article in articles:
        article.story = story
        article.save(update_fields=["story"])
    return story


def copy(title, published, outlet, **fields):
    return make_article(
        title=title, text=f"{TEXT} ({title})", published=published, source=outlet, **fields
    )


def items(html):
    return re.findall(r'id="position-(\d+)"', html)


@pytest.fixture
def syndicated(catalogue):
    """The Reuters original and an AFP copy (a day later) of one story, both: the Kremlin opposes air support."""
    original = copy("Reuters original", dt.date(2025, 8, 1), source("Reuters"))
    later = copy("AFP copy", dt.date(2025, 8, 2), source("AFP"))
    story_of(original, later)
    first = make_position(original, "Kremlin", "air_support", "oppose", EVIDENCE)
    second = make_position(later, "Kremlin", "air_support", "oppose", EVIDENCE)
    return {"original": original, "later": later, "first": first, "second": second}


def test_the_same_statement_in_two_articles_of_a_story_shows_once(analyst_client, syndicated):
    html = analyst_client.get("/").content.decode()
    assert items(html) == [str(syndicated["first"].id)]  # the earliest-published article's position
    assert "also reported by 1 other source<" in html
    assert (
        f"/articles/{syndicated['original'].id}/#story" in html
    )  # the article page lists the story


def test_different_statements_in_one_story_both_show(analyst_client, syndicated):
    other = make_position(
        syndicated["later"], "Kremlin", "air_support", "considering", "air support"
    )
    trump = make_position(syndicated["later"], "Donald Trump", "air_support", "oppose", EVIDENCE)
    html = analyst_client.get("/").content.decode()
    assert set(items(html)) == {str(syndicated["first"].id), str(other.id), str(trump.id)}
    assert html.count("also reported by") == 1


def test_articles_without_a_story_are_unaffected(analyst_client, catalogue):
    a = copy("One", dt.date(2025, 8, 1), source("Reuters"))
    b = copy("Two", dt.date(2025, 8, 1), source("AFP"))
    positions = [make_position(x, "Kremlin", "air_support", "oppose", EVIDENCE) for x in (a, b)]
    html = analyst_client.get("/").content.decode()
    assert sorted(items(html)) == sorted(str(p.id) for p in positions)
    assert "also reported by" not in html


def test_other_sources_counts_distinct_outlets_carrying_the_statement(analyst_client, syndicated):
    reuters = syndicated["original"].source
    again = copy("Reuters again", dt.date(2025, 8, 3), reuters)  # same outlet: not another source
    silent = copy(
        "Edited copy", dt.date(2025, 8, 3), source("DPA")
    )  # the story, without the statement
    unsourced = copy("Pasted", dt.date(2025, 8, 4), None)
    story = syndicated["original"].story
    for article in (again, silent, unsourced):
        article.story = story
        article.save(update_fields=["story"])
    for article in (again, unsourced):
        make_position(article, "Kremlin", "air_support", "oppose", EVIDENCE)
    html = analyst_client.get("/").content.decode()
    assert items(html) == [str(syndicated["first"].id)]
    assert (
        "also reported by 2 other sources<" in html
    )  # AFP and the pasted article; not Reuters, not DPA


def test_a_rejected_lead_leaves_the_next_article_in_its_place(analyst_client, syndicated):
    syndicated["first"].review_status = "rejected"
    syndicated["first"].save()
    html = analyst_client.get("/").content.decode()
    assert items(html) == [str(syndicated["second"].id)]
    assert "also reported by" not in html  # a rejected statement is no report


def test_filters_choose_among_matching_articles(analyst_client, syndicated):
    afp = syndicated["later"].source_id
    html = analyst_client.get(f"/?source={afp}").content.decode()
    assert items(html) == [str(syndicated["second"].id)]  # the AFP copy, though Reuters was first
    assert "also reported by 1 other source<" in html
    html = analyst_client.get("/?date_from=2025-08-02").content.decode()
    assert items(html) == [str(syndicated["second"].id)]


def test_htmx_partial_collapses_too(analyst_client, syndicated):
    response = analyst_client.get("/?proposal=air_support", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="entries"')
    assert items(html) == [str(syndicated["first"].id)]
    assert "also reported by 1 other source" in html


def test_new_items_poll_counts_stories_not_copies(analyst_client, syndicated):
    response = analyst_client.get(f"/timeline/new/?since={syndicated['first'].id - 1}")
    assert response.status_code == 200
    assert "1 new position " in response.content.decode()


def test_keyset_pages_neither_skip_nor_repeat(analyst_client, catalogue):
    outlets = [source(f"Outlet {i}") for i in range(3)]
    expected = []
    for day in range(12):
        published = dt.date(2025, 7, 1) + dt.timedelta(
            days=day // 2
        )  # two stories a day: ties on the date
        articles = [copy(f"S{day} copy {k}", published, outlets[k]) for k in range(3)]
        story_of(*articles)
        for article in articles:
            first = make_position(article, "Kremlin", "air_support", "oppose", EVIDENCE)
            if article is articles[0]:
                expected.append(first.id)
        make_position(
            articles[2], "Donald Trump", "air_defense", "support", EVIDENCE
        )  # only in one copy
        expected.append(articles[2].positions.get(actor__name="Donald Trump").id)
    seen, url = [], "/?limit=5"
    while url:
        html = analyst_client.get(
            url, headers={"HX-Request": "true"} if seen else {}
        ).content.decode()
        seen.extend(int(i) for i in items(html))
        more = re.search(r'class="load-more" href="\?([^"]+)"', html)
        url = "/?" + more.group(1).replace("&amp;", "&") if more else None
    assert len(seen) == len(set(seen))
    assert sorted(seen) == sorted(expected)


def test_exports_keep_every_position_unless_collapse(analyst_client, syndicated):
    rows = json.loads(b"".join(analyst_client.get("/?format=json").streaming_content))
    assert {r["id"] for r in rows} == {syndicated["first"].id, syndicated["second"].id}
    rows = json.loads(b"".join(analyst_client.get("/?format=json&collapse=1").streaming_content))
    assert [r["id"] for r in rows] == [syndicated["first"].id]


def test_query_count_does_not_grow_with_stories(
    analyst_client, syndicated, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12) as small:
        assert analyst_client.get("/").status_code == 200
    for i in range(10):
        articles = [
            copy(f"More {i} {k}", dt.date(2025, 9, 1), source(f"More {i} {k}")) for k in range(3)
        ]
        story_of(*articles)
        for article in articles:
            make_position(article, "Kremlin", "air_support", ["oppose", "support"][i % 2], EVIDENCE)
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = analyst_client.get("/").content.decode()
    assert html.count("also reported by 2 other sources") == 10
