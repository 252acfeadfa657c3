"""Proposal mentions: lexicon paraphrases, and cues that need an anchor ("membership" near NATO).

A ``proposal`` entry names its kind on its own ("boots on the ground", "قوة
طمأنة", "Bodentruppen"); a ``proposal_cue`` ("membership", "вступление") counts
only with an ``anchor`` of the same kind in the same sentence within a few
tokens ("вступления Украины в НАТО"). Anchors used this way belong to the
proposal, so the actor NATO inside "NATO membership" is not taken for a holder.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter

from tracker.nlp.normalize.document import Document

ANCHOR_WINDOW = 5


# Slotted, not frozen: built many times an article, and a frozen dataclass pays an
# object.__setattr__ call for each field; nothing changes one after it is built.
@dataclass(slots=True)
class ProposalSpan:
    start: int  # token range [start, end)
    end: int
    kind: str
    weight: float
    rule: str
    # The proposal's own words, without its anchor: "forces" in "deploy forces", whose anchor
    # "deploy" may still be a stance cue. The whole span when there is no anchor.
    core_start: int = -1
    core_end: int = -1

    def __post_init__(self) -> None:
        if self.core_start < 0:
            self.core_start, self.core_end = self.start, self.end


def find_proposal_spans(doc: Document) -> list[ProposalSpan]:
    spans = []
    hits = doc.proposal_hits
    anchors_by_sentence: dict[int, list] = {}
    for h in hits:
        if h.payload[0] == "anchor":
            anchors_by_sentence.setdefault(doc.sentence_of[h.start], []).append(h)
    for hit in hits:
        category, kind, text, weight, _ = hit.payload
        if weight <= 0 or not kind:
            continue
        rule = f"proposal:{kind}:{doc.language}:{text}"
        if category == "proposal":
            spans.append(ProposalSpan(hit.start, hit.end, kind, weight, rule))
        elif category == "proposal_cue":
            sentence = doc.sentence_of[hit.start]
            best = None
            for anchor in anchors_by_sentence.get(sentence, ()):
                if anchor.payload[1] != kind or anchor.payload[3] <= 0:
                    continue  # a zero-weight anchor only keeps a longer phrase from matching
                gap = anchor.start - hit.end if anchor.start >= hit.end else hit.start - anchor.end
                if 0 <= gap <= ANCHOR_WINDOW and (best is None or gap < best[0]):
                    best = (gap, anchor)
            if best is not None:
                anchor = best[1]
                spans.append(
                    ProposalSpan(
                        min(hit.start, anchor.start),
                        max(hit.end, anchor.end),
                        kind,
                        weight,
                        f"{rule}+anchor:{anchor.payload[2]}",
                        hit.start,
                        hit.end,
                    )
                )
    spans.sort(key=attrgetter("start"))
    return spans
