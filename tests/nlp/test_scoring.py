"""The scorer follows the contract: one-to-one matching, optional items absorb, misses by cause."""

from types import SimpleNamespace as Found

from tracker.nlp.evaluate import match_one_to_one, score

HIERARCHY = {"Pentagon": "United States", "United States": None, "Russia": None}
NAMES = {}


def article(positions, optional=(), actors=("United States",), proposals=("ground_troops",)):
    return {
        "id": "a1",
        "language": "en",
        "text": "x",
        "actors": list(actors),
        "proposals": list(proposals),
        "positions": [
            {"actor": a, "proposal": p, "stance": s, "optional": False} for a, p, s in positions
        ]
        + [{"actor": a, "proposal": p, "stance": s, "optional": True} for a, p, s in optional],
    }


def extraction(triples, actors=("United States",), proposals=("ground_troops",)):
    return Found(
        actors=list(actors),
        proposals=list(proposals),
        positions=[Found(actor=a, proposal=p, stance=s) for a, p, s in triples],
    )


def test_one_extracted_item_matches_at_most_one_gold_item():
    counts, missed, spurious = match_one_to_one(["x", "x"], [], ["x"], lambda p, g: p == g)
    assert (counts.tp, counts.fn, counts.fp) == (1, 1, 0)
    assert missed == ["x"] and spurious == []


def test_lenient_matching_is_one_to_one_too():
    gold = article([("United States", "ground_troops", "oppose")])
    found = extraction(
        [("United States", "ground_troops", "oppose"), ("Pentagon", "ground_troops", "oppose")],
        actors=("United States", "Pentagon"),
    )
    report = score([gold], {"a1": found}, NAMES, HIERARCHY)
    lenient = report.overall["positions_lenient"]
    assert (lenient.tp, lenient.fn, lenient.fp) == (1, 0, 1)  # the child does not count twice


def test_an_optional_triple_absorbs_one_prediction_only():
    gold = article([], optional=[("United States", "ground_troops", "support")])
    found = extraction(
        [("United States", "ground_troops", "support"), ("Pentagon", "ground_troops", "support")],
        actors=("United States", "Pentagon"),
    )
    lenient = score([gold], {"a1": found}, NAMES, HIERARCHY).overall["positions_lenient"]
    assert (lenient.tp, lenient.fn, lenient.fp) == (0, 0, 1)


def test_misses_are_grouped_by_cause():
    gold = article(
        [
            ("Russia", "ground_troops", "oppose"),  # Russia never found
            ("United States", "no_fly_zone", "oppose"),  # proposal never found
            ("United States", "ground_troops", "support"),  # found with another stance
            ("United States", "ground_troops", "considering"),
        ],
        actors=("United States", "Russia"),
        proposals=("ground_troops", "no_fly_zone"),
    )
    found = extraction([("United States", "ground_troops", "oppose")])
    report = score([gold], {"a1": found}, NAMES, HIERARCHY)
    assert report.causes == {"actor not found": 1, "proposal not found": 1, "wrong stance": 2}
    lines = report.lines()
    assert "missed: a1 Russia / ground_troops / oppose (actor not found)" in lines
    assert any(line.startswith("missed by cause: actor not found 1") for line in lines)


def test_found_but_not_linked():
    gold = article([("United States", "ground_troops", "support")])
    report = score([gold], {"a1": extraction([])}, NAMES, HIERARCHY)
    assert report.causes == {"found, not linked": 1}
