"""The review queue shows the evidence clause in its sentence with the matched words inside it."""

from tracker.extraction.models import Position


def test_the_words_that_fired_are_bold_inside_the_marked_clause(curator_client, positions):
    russia = positions["russia"]
    text = russia.article.text
    cue = text.index("rejected")
    troops = text.index("NATO troops")
    Position.objects.filter(id=russia.id).update(
        spans=[
            [troops, troops + 11, "proposal", "ground_troops", "proposal:ground_troops:en:troops"],
            [cue, cue + 8, "cue", "oppose", "stance:oppose:en:rejected"],
            [cue + 2, cue + 5, "cue", "oppose", "overlapping: left out"],
            [0, 6, "actor", "Russia", "outside the clause: left out"],
        ]
    )
    html = curator_client.get("/review/").content.decode()
    assert (
        "Moscow <mark><b>rejected</b> any deployment of <b>NATO troops</b> "
        "&lt;script&gt;alert(1)&lt;/script&gt;</mark> in Ukraine."
    ) in html


def test_an_edited_evidence_is_marked_whole(curator_client, positions):
    russia = positions["russia"]
    cue = russia.article.text.index("rejected")
    Position.objects.filter(id=russia.id).update(
        evidence="rejected any deployment", spans=[[cue, cue + 8, "cue", "oppose", "x"]]
    )
    html = curator_client.get("/review/").content.decode()
    assert "Moscow <mark>rejected any deployment</mark> of NATO troops" in html
