"""Stance cues paired with proposal mentions, with negation, modality and past markers.

A cue ("ready to", "رفض", "отвергает") takes the proposals that follow it in
its clause (up to FORWARD tokens, never across a clause boundary such as
"but"/"لكن"/"но"), or, for predicate cues ("... was unacceptable", "... غير
مقبول"), the proposal just before it without a comma in between. Negation in
the few tokens before the cue flips it (support → oppose, oppose → support,
considering → oppose), but an exclusion negated is considering ("not rule
out"); a modal (could, قد, может, könnte, pourrait) turns support or oppose
into considering, except for warnings ("could lead to war").
Lexicalised negations ("did not rule out", "nicht ausgeschlossen", "не
исключил", "لم يستبعد") are considering cues of their own and win by length;
they also mark the oppose cues they negate as exclusions, which any other
negation turns into considering ("schließt … nicht aus").
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from operator import attrgetter

from tracker.nlp.normalize.document import Document
from tracker.nlp.proposals import ProposalSpan
from tracker.nlp.resources import Hit

STANCE_CATEGORIES = {
    "support": "support",
    "oppose": "oppose",
    "considering": "considering",
    "warning": "oppose",
}
FORWARD = 15
BACKWARD = 8
BACKWARD_WARNING = 12  # a warning judges the proposal its sentence opens with
NEGATION_WINDOW = 5
# German puts the verb last: its negation may open the clause ("Wir werden zu keinem Zeitpunkt die
# Präsenz von Nato-Truppen auf ukrainischem Territorium billigen").
VERB_FINAL = {"de"}
VERB_FINAL_NEGATION_WINDOW = 12
MODALITY_WINDOW = 4
FLIP = {"support": "oppose", "oppose": "support", "considering": "oppose"}
SPECIFIC_OVER_GENERAL = "security_guarantee"
ANAPHOR_SENTENCES = 3  # how far back an anaphor's antecedent may be


# Slotted, not frozen: built many times an article, and a frozen dataclass pays an
# object.__setattr__ call for each field; nothing changes one after it is built.
@dataclass(slots=True)
class CuePairing:
    cue: Hit
    proposals: tuple[ProposalSpan, ...]
    stance: str
    weight: float
    negation: Hit | None
    modality: Hit | None
    past: Hit | None
    via_anaphor: bool


def _blocked(doc: Document, a: int, b: int) -> bool:
    """A clause boundary between tokens a and b (exclusive)."""
    for k in range(a, b):
        for hit in doc.cues_at[k]:
            if hit.payload[0] == "boundary" and hit.payload[3] > 0 and hit.end <= b:
                return True
    return False


def _words_between(doc: Document, a: int, b: int) -> int:
    """Words in tokens [a, b): quotes and brackets ("ne devait pas « être exclu »") are no distance.
    Past 3 * BACKWARD tokens it counts tokens: every window here is shorter than that."""
    if b - a > 3 * BACKWARD:
        return b - a
    tokens = doc.tokens
    words = 0
    for k in range(a, b):  # a plain loop: these windows are read for every cue and proposal
        if tokens[k].kind == "word":
            words += 1
    return words


def _has_comma(doc: Document, a: int, b: int) -> bool:
    tokens = doc.tokens
    for k in range(a, b):
        token = tokens[k]
        if token.kind == "punct" and token.surface in ",،;:":
            return True
    return False


CLAUSE_OPENERS = frozenset(("boundary", "complementizer", "report_verb"))


def _marker_before(doc: Document, cue: Hit, category: str, window: int) -> Hit | None:
    """The nearest marker of ``category`` before the cue in its clause: a word that is both the
    marker and a clause opener ("if": modality, conditional and boundary) is the marker."""
    tokens, cues_ending = doc.tokens, doc.cues_ending
    first = doc.sentences[doc.sentence_of[cue.start]][0]
    k, words = cue.start - 1, 0
    while k >= first and words < window:
        hits = cues_ending[k + 1]
        if hits:  # most tokens end no cue
            for marker in hits:
                if marker.payload[0] == category:
                    return marker if marker.payload[3] > 0 else None
            for h in hits:
                if h.payload[0] in CLAUSE_OPENERS:
                    return None
        token = tokens[k]
        if token.kind == "word":
            words += 1
        elif token.surface in ",،;—–":
            return None  # the Russian dash of "X — это Y" too
        k -= 1
    return None


def _negates_request(doc: Document, negation: Hit, cue: Hit) -> bool:
    """The negation is a request verb's: the cue is one ("не просила"), or one stands between them
    ("never asked for troops to be sent")."""
    start = min(negation.end, cue.start)
    return any(
        h.payload[0] == "request" and h.payload[3] > 0
        for k in range(start, cue.start + 1)
        for h in doc.cues_at[k]
    )


def _clause_final_verb(doc: Document, cue: Hit) -> bool:
    """In a verb-final language, the cue ends its clause: punctuation, a coordination or the
    sentence's end follows it."""
    if doc.language not in VERB_FINAL:
        return False
    k = cue.end
    if k >= len(doc.tokens) or doc.sentence_of[k] != doc.sentence_of[cue.start]:
        return True
    return doc.tokens[k].kind != "word" or any(h.payload[0] == "coord" for h in doc.cues_at[k])


def _negation_after(doc: Document, cue: Hit) -> Hit | None:
    """French 'ne ... pas' puts 'pas' after the verb; German 'lehnt nicht ab' likewise, and a
    split German verb is negated anywhere before its particle ('schließt die Entsendung nicht aus')."""
    if doc.language not in ("fr", "de"):
        return None
    particle = doc.particle_of.get(cue.start)
    if particle is not None:
        for k in range(cue.end, particle):
            for hit in doc.cues_at[k]:
                if hit.payload[0] == "negation" and hit.payload[3] > 0:
                    return hit
        return None
    sentence = doc.sentence_of[cue.start]
    for k in range(cue.end, min(cue.end + 2, len(doc.tokens))):
        if doc.sentence_of[k] != sentence:
            break
        for hit in doc.cues_at[k]:
            if hit.payload[0] == "negation" and hit.payload[3] > 0:
                return hit
    return None


NEGATED_OBJECT_GAP = 2  # words between a negation and the proposal it denies ("no American troops")
RAISED_REACH = 12  # words from a cue back to the complementizer that opens its clause
BELIEF_WORDS = 4  # words before that complementizer that hold the negated belief verb


def _raised_negation(doc: Document, cue: Hit) -> Hit | None:
    """A negated belief verb negates the clause it opens: "we do not believe that … is tenable",
    "glauben nicht, dass … realistisch ist", "не считаем, что …" say the clause is not so."""
    tokens, cues_ending = doc.tokens, doc.cues_ending
    first = doc.sentences[doc.sentence_of[cue.start]][0]
    k, words = cue.start - 1, 0
    while k >= first and words < RAISED_REACH:
        hits = cues_ending[k + 1]
        categories = {h.payload[0] for h in hits if h.payload[3] > 0}
        if "complementizer" in categories:
            return _negated_belief(doc, min(h.start for h in hits) - 1, first)
        if categories & {"boundary", "report_verb"} or tokens[k].surface in ";—–":
            return None
        if tokens[k].kind == "word":
            words += 1
        k -= 1
    return None


def _negated_belief(doc: Document, k: int, first: int) -> Hit | None:
    """The negation among the few words that end at token ``k`` (a comma may follow them) when a
    belief verb is among them too: "we do not believe", "glauben nicht", "не считаем"."""
    if k >= first and doc.tokens[k].surface in ",،":
        k -= 1
    negation = belief = None
    words = 0
    while k >= first and words < BELIEF_WORDS and doc.tokens[k].kind == "word":
        for hit in doc.cues_ending[k + 1]:
            if hit.payload[3] <= 0:
                continue
            if hit.payload[0] == "belief":
                belief = hit
            elif hit.payload[0] == "negation" and negation is None:
                negation = hit
        words += 1
        k -= 1
    return negation if belief is not None else None


CONDITIONAL_WINDOW = 8  # words between "if" and the cue of its clause


def _in_conditional(doc: Document, cue: Hit) -> bool:
    """The cue stands in a clause opened by a conditional ("якщо Альянс відправить війська",
    "wenn die Nato Truppen schickt") with no comma, complementizer or other boundary between."""
    return _marker_before(doc, cue, "conditional", CONDITIONAL_WINDOW) is not None


def _negated_object(
    doc: Document, cue: Hit, chosen: list[ProposalSpan], negations: dict[int, Hit]
) -> Hit | None:
    """The proposal itself is denied, not the cue: "the priority is not membership but aid",
    "no troops will be sent", "keine Truppen schicken", "не членство, а допомога". A negation
    right before the proposal's words (or inside them, between an anchor and its cue) negates
    the pairing when no clause boundary stands between it and the cue."""
    for p in chosen:
        for k in range(p.end - 1, max(p.start - 1 - 2 * NEGATED_OBJECT_GAP, -1), -1):
            if k < p.start and doc.sentence_of[k] != doc.sentence_of[p.start]:
                break
            hit = negations.get(k)
            if hit is None:
                continue
            if k < p.start and _words_between(doc, hit.end, p.start) > NEGATED_OBJECT_GAP:
                break
            if hit.start < cue.end and hit.end > cue.start:
                break  # the cue's own negation
            lo, hi = (cue.end, hit.start) if cue.end <= hit.start else (hit.end, cue.start)
            if _blocked(doc, lo, hi) or _has_comma(doc, lo, hi):
                break
            return hit
    return None


def _holds_negation(doc: Document, cue: Hit) -> bool:
    """The cue is a lexicalised negation: one of its words is a negation ("pas l'intention",
    "kommt nicht in frage", "не готова"). A negation word next to it is then the other half of the
    same negation (French "ne … pas", negative concord), not a second one that would cancel it."""
    if cue.end - cue.start < 2:
        return False
    lexicon = doc.pack.lexicon
    return any(
        p[0] == "negation" and p[3] > 0
        for k in range(cue.start, cue.end)
        for p in lexicon.entries(doc.lkeys[k])
    )


def _arabic_modal(doc: Document, hit: Hit) -> bool:
    """Arabic قد is 'may' before an imperfect verb (قد تشارك) but 'already' before a perfect one (قد ناشد)."""
    k = hit.end
    while k < len(doc.tokens) and doc.tokens[k].kind != "word":
        k += 1
    if k >= len(doc.tokens):
        return False
    word = doc.tokens[k].surface.lstrip("وف")
    return word[:1] in ("ي", "ت") and not word.startswith("تم")


def _forward_stop(doc: Document, cue: Hit) -> int:
    """Forward scope of a cue ends at a reported clause ('that', 'что') or the next strong cue; a
    warning's goes on into the conditional clause it warns of."""
    sentence_end = doc.sentences[doc.sentence_of[cue.start]][1]
    for k in range(cue.end, min(sentence_end, cue.end + FORWARD + 1)):
        for hit in doc.cues_at[k]:
            category = hit.payload[0]
            if hit.payload[3] <= 0:
                continue
            if category in ("complementizer", "boundary"):
                if cue.payload[0] == "warning" and any(
                    h.payload[0] == "conditional" for h in doc.cues_at[k]
                ):
                    continue  # "warned of war if NATO sends troops": the warning is about the "if"
                return k
            if (
                category in STANCE_CATEGORIES
                and hit.payload[3] >= 0.8
                and k > cue.end
                and _has_comma(doc, cue.end, k)
            ):
                return (
                    k  # "Europeans are ready to send troops, and we are ready to help from the air"
                )
    return sentence_end


def pair_cues(
    doc: Document,
    proposals: list[ProposalSpan],
    topic: str | None,
    owned: frozenset[int] = frozenset(),
) -> list[CuePairing]:
    """Every stance cue with the proposals it is about. ``owned`` holds the cues that are nouns
    with their owner named right after them ("مطلب أوكرانيا"): a negation or modality a word or
    more before such a noun belongs to the verb governing it ("لا يمكن أن تحلّ محلّ مطلب
    أوكرانيا", cannot replace Ukraine's demand), not to the owner's stance."""
    pairings = []
    proposals = sorted(proposals, key=attrgetter("start"))
    starts = [p.start for p in proposals]
    proposal_tokens = {k for p in proposals for k in range(p.start, p.end)}
    # An anchor ("deploy" of "deploy forces") is part of the proposal and may be its cue too.
    core_tokens = {k for p in proposals for k in range(p.core_start, p.core_end)}
    by_sentence: dict[int, list[ProposalSpan]] = {}
    for p in proposals:
        by_sentence.setdefault(doc.sentence_of[p.start], []).append(p)
    # One pass over the cues (those of positive weight) for the kinds read here: the stance cues,
    # anaphors by sentence, negations by start token, and the sentences with a belief verb.
    cues: list[Hit] = []
    anaphors: dict[int, list[Hit]] = {}
    negations: dict[int, Hit] = {}
    belief_sentences: set[int] = set()
    for h in doc.cues:
        category = h.payload[0]
        if h.payload[3] <= 0:
            continue
        if category in STANCE_CATEGORIES:
            cues.append(h)
        elif category == "anaphor":
            anaphors.setdefault(doc.sentence_of[h.start], []).append(h)
        elif category == "negation":
            negations[h.start] = h
        elif category == "belief":
            belief_sentences.add(doc.sentence_of[h.start])
    governed = _governed_cues(doc, cues, proposal_tokens)
    for cue in cues:
        if cue.start in governed:
            continue  # its head's pairing carries the stance
        sentence = doc.sentence_of[cue.start]
        if sentence not in by_sentence and (topic is None or sentence not in anaphors):
            continue  # nothing to pair with in this sentence
        if not core_tokens.isdisjoint(range(cue.start, cue.end)):
            continue  # "support" inside "air support" is the proposal, not a cue
        if _in_conditional(doc, cue):
            continue  # "… if NATO sends troops": a hypothesis, nobody's stance
        stop = _forward_stop(doc, cue)
        reach = BACKWARD_WARNING if cue.payload[0] == "warning" else BACKWARD
        quote = doc.quote_of[cue.start]
        chosen = []
        for p in by_sentence.get(sentence, ()):
            if p.start < cue.end and p.end > cue.start:
                if p.core_start < cue.end and p.core_end > cue.start:
                    continue
                chosen.append(p)  # the cue is the proposal's anchor
                continue
            if p.start >= cue.end:
                if p.start - cue.end > FORWARD or p.start >= stop:
                    continue
            else:
                if (
                    _words_between(doc, p.end, cue.start) > reach
                    or _has_comma(doc, p.end, cue.start)
                    or _blocked(doc, p.end, cue.start)
                ):
                    continue
            if (doc.quote_of[p.start] >= 0) != (quote >= 0) and not _inline_quote(doc, p):
                continue
            chosen.append(p)
        via_anaphor = False
        if not chosen and topic is not None:
            for h in anaphors.get(sentence, ()):
                before = (
                    h.end <= cue.start
                    and _words_between(doc, h.end, cue.start) <= BACKWARD
                    and not _has_comma(doc, h.end, cue.start)
                    and not _blocked(doc, h.end, cue.start)
                )
                if (
                    0 <= h.start - cue.end <= FORWARD
                    or h.start == cue.start
                    or h.end == cue.end
                    or before  # "Эта поставка была профинансирована …", "this plan was rejected"
                ):
                    antecedent = _antecedent(doc, proposals, starts, h, topic)
                    if antecedent is None:
                        continue
                    chosen = [
                        ProposalSpan(
                            h.start,
                            h.end,
                            antecedent.kind,
                            0.6,
                            f"anaphor:{doc.language}:{h.payload[2]}",
                        )
                    ]
                    via_anaphor = True
                    break
        if not chosen:
            continue
        kinds = {p.kind for p in chosen}
        if SPECIFIC_OVER_GENERAL in kinds and len(kinds) > 1:
            chosen = [p for p in chosen if p.kind != SPECIFIC_OVER_GENERAL]
        category = cue.payload[0]
        stance = STANCE_CATEGORIES[category]
        window = VERB_FINAL_NEGATION_WINDOW if _clause_final_verb(doc, cue) else NEGATION_WINDOW
        negation = _marker_before(doc, cue, "negation", window) or _negation_after(doc, cue)
        if negation is not None and _holds_negation(doc, cue):
            negation = None  # "n'a pas l'intention": ne … pas is one negation, in the cue already
        if negation is not None and _governs_owned(doc, negation, cue, owned):
            negation = None
        if negation is None and negations and category != "warning":
            negation = _negated_object(doc, cue, chosen, negations)
        if negation is None and negations and sentence in belief_sentences:
            negation = _raised_negation(doc, cue)
        if negation is not None and _negates_request(doc, negation, cue):
            continue  # "Україна ніколи не просила про війська": not asking is no stance either way
        if negation is not None:
            # "did not rule out" in any word order: an exclusion negated is a consideration
            excluded = category == "oppose" and cue.payload[2] in doc.pack.exclusions
            stance = "considering" if excluded else FLIP[stance]
        modality = _marker_before(doc, cue, "modality", MODALITY_WINDOW)
        if modality is not None and doc.language == "ar" and not _arabic_modal(doc, modality):
            modality = None
        if modality is not None and _governs_owned(doc, modality, cue, owned):
            modality = None
        if (
            modality is not None
            and category != "warning"
            and negation is None
            and stance in ("support", "oppose")
        ):
            stance = "considering"
        past = _past_marker(doc, cue)
        pairings.append(
            CuePairing(
                cue, tuple(chosen), stance, cue.payload[3], negation, modality, past, via_anaphor
            )
        )
    return pairings


GOVERNED_GAP = 2  # words between a stance cue and the action it governs ("refuse to send")


def _governs_owned(doc: Document, marker: Hit, cue: Hit, owned: frozenset[int]) -> bool:
    """The marker stands a word or more before an owned noun: it is its governing verb's."""
    return (
        cue.start in owned
        and marker.end <= cue.start
        and _words_between(doc, marker.end, cue.start) > 0
    )


def _governed_cues(doc: Document, cues: list[Hit], proposal_tokens: set[int]) -> set[int]:
    """The start tokens of the stance cues that only name the action another cue governs (every
    cue starting there is governed).

    In "refused to send", "готовы направить", "envisagent de créer", "رفض إرسال", "lehnt … zu
    liefern" the first cue decides the stance and the second names the action: read alone, the
    second is a support cue of its own ("send"), and a rejection would pair with the proposal both
    as oppose and as support. A cue is governed when it follows another stance cue of the same
    clause within a couple of words, with no punctuation and no proposal between. Only a
    rejection, a warning or a consideration governs: two support cues in a row ("ready to send")
    agree, and a support noun before a predicate ("die Entsendung … nicht ausgeschlossen") is
    that predicate's subject, not its head.
    """
    by_start: dict[int, list[Hit]] = {}
    for hit in cues:
        by_start.setdefault(hit.start, []).append(hit)
    starts = sorted(by_start)
    governed: set[int] = set()
    for head_start in starts:
        for head_end in {h.end for h in by_start[head_start] if h.payload[0] != "support"}:
            # the first cue after the head's words: an overlapping reading of them is no complement
            i = bisect.bisect_left(starts, head_end)
            if i == len(starts):
                continue
            start = starts[i]
            between = range(head_end, start)
            if (
                doc.sentence_of[start] == doc.sentence_of[head_start]
                and not any(doc.tokens[k].kind == "punct" for k in between)
                and _words_between(doc, head_end, start) <= GOVERNED_GAP
                and proposal_tokens.isdisjoint(between)
            ):
                # every reading of the governed words ("livrer", "livrera" and "livreront" all match)
                governed.add(start)
    return governed


def _antecedent(
    doc: Document, proposals: list[ProposalSpan], starts: list[int], anaphor: Hit, topic: str
) -> ProposalSpan | None:
    """The proposal an anaphor ("the plan", "this force", "y") refers to.

    Only proposals mentioned before it and at most ANAPHOR_SENTENCES sentences back are candidates;
    among them the article's topic (its most discussed proposal) wins while it is still in view,
    otherwise the closest mention does. Far from any mention, the anaphor is left unresolved.
    """
    rank = doc.sentence_rank
    here = rank[doc.sentence_of[anaphor.start]]
    i = bisect.bisect_left(starts, anaphor.start) - 1
    closest = None
    while i >= 0:
        p = proposals[i]
        if here - rank[doc.sentence_of[p.start]] > ANAPHOR_SENTENCES:
            break
        if p.kind == topic:
            return p
        if closest is None:
            closest = p
        i -= 1
    return closest


def _inline_quote(doc: Document, p: ProposalSpan) -> bool:
    """A short quoted term (« force de réassurance ») is part of the sentence, not speech."""
    q = doc.quote_of[p.start]
    if q < 0:
        return True
    a, b = doc.quotes[q]
    return len(doc.words(a, b)) <= 10


def _past_marker(doc: Document, cue: Hit) -> Hit | None:
    a, _ = doc.sentences[doc.sentence_of[cue.start]]
    for k in range(cue.start - 1, a - 1, -1):
        for hit in doc.cues_ending[k + 1]:
            if hit.payload[0] == "boundary" and hit.payload[3] > 0:
                return None
            if hit.payload[0] == "past" and hit.payload[3] > 0:
                return hit
    return None
