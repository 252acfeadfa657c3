"""The matrix: latest stance per actor and proposal, colour and symbol, "as of", cell evidence."""

import datetime as dt

from tests.conftest import make_article, make_position
from tracker.extraction import positions
from tracker.nlp.vocabulary import STANCE_ORDER, STANCES


def test_each_cell_shows_the_latest_stance_with_a_symbol_and_a_class(analyst_client, world):
    html = analyst_client.get("/matrix/").content.decode()
    row = html.split(">Kremlin</a></th>")[1].split("</tr>")[0]
    assert 'class="cell stance-considering"' in row and ">?<" in row
    assert "Kremlin considering air support" in row  # text for screen readers, never colour alone
    trump = html.split(">Donald Trump</a></th>")[1].split("</tr>")[0]
    assert 'class="cell stance-support"' in trump and "✔" in trump


def test_as_of_shows_the_matrix_as_it_stood_then(analyst_client, world):
    html = analyst_client.get("/matrix/?as_of=2025-08-10").content.decode()
    row = html.split(">Kremlin</a></th>")[1].split("</tr>")[0]
    assert 'class="cell stance-oppose"' in row and "✖" in row
    assert ">Donald Trump<" not in html  # no position yet on that date
    assert "as of 10 August 2025" in html


def test_actor_kind_filter(analyst_client, world):
    html = analyst_client.get("/matrix/?actor_kind=person").content.decode()
    assert ">Donald Trump<" in html and ">Kremlin<" not in html


def test_cell_links_load_the_evidence_into_the_panel_with_a_plain_link_fallback(
    analyst_client, world
):
    kremlin = world["opposed"].actor_id
    html = analyst_client.get("/matrix/").content.decode()
    assert f'href="/matrix/{kremlin}/air_support/"' in html
    assert f'hx-get="/matrix/{kremlin}/air_support/" hx-target="#evidence-panel"' in html
    fragment = analyst_client.get(
        f"/matrix/{kremlin}/air_support/", headers={"HX-Request": "true"}
    ).content.decode()
    assert "<html" not in fragment
    assert fragment.index("considering air support arrangements") < fragment.index(
        "rejected any Western air support"
    )
    page = analyst_client.get(f"/matrix/{kremlin}/air_support/?as_of=2025-08-10").content.decode()
    assert (
        "<html" in page and "rejected any Western" in page and "considering air support" not in page
    )


def test_matrix_pages_through_actors(analyst_client, world, monkeypatch):
    from tracker.dashboard import queries

    monkeypatch.setattr(queries, "MATRIX_PAGE", 2)
    first = analyst_client.get("/matrix/").content.decode()
    second = analyst_client.get("/matrix/?page=2").content.decode()
    assert (
        "Next actors" in first
        and ">Donald Trump<" in first
        and ">Russian Foreign Ministry<" in second
    )


def test_matrix_rejects_bad_input(analyst_client, world):
    for query in ("as_of=31-02-2025", "page=-1", "page=abc", "actor_kind=planet"):
        assert analyst_client.get(f"/matrix/?{query}").status_code == 400
    assert analyst_client.get(f"/matrix/{world['opposed'].actor_id}/teleport/").status_code == 404
    assert analyst_client.get("/matrix/999999/air_support/").status_code == 404


def test_matrix_follows_a_review(analyst_client, world):
    world["considering"].review_status = "rejected"
    positions.save(world["considering"])
    row = (
        analyst_client.get("/matrix/")
        .content.decode()
        .split(">Kremlin</a></th>")[1]
        .split("</tr>")[0]
    )
    assert 'class="cell stance-oppose"' in row


def test_a_newer_position_updates_the_cell(analyst_client, world):
    article = make_article(
        title="Support", text="The Kremlin backs air support now.", published=dt.date(2025, 9, 5)
    )
    make_position(article, "Kremlin", "air_support", "support", "backs air support")
    row = (
        analyst_client.get("/matrix/")
        .content.decode()
        .split(">Kremlin</a></th>")[1]
        .split("</tr>")[0]
    )
    assert 'class="cell stance-support"' in row


def test_the_legend_names_every_stance_with_the_vocabularys_symbol_in_its_order(
    analyst_client, world
):
    html = analyst_client.get("/matrix/").content.decode()
    legend = html[html.index('class="legend"') :]
    places = []
    for stance in STANCE_ORDER:
        words = STANCES[stance]
        entry = f'<span aria-hidden="true">{words.symbol}</span> {words.verb}</span>'
        assert entry in legend, entry
        places.append(legend.index(entry))
    assert places == sorted(places)
