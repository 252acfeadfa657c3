"""The pure extraction pipeline: article text and metadata in, actors, proposals and positions out.

No database and no Django: ``extract`` takes the compiled ``Resources`` (built
once by the caller from data files or from the database) and returns plain
dataclasses. Unsupported or undetected languages are recorded as such; for
them only language-independent work is done (exact, case-folded matches of
actor names and aliases of four or more characters), and no positions.
"""

from __future__ import annotations

import bisect
import gc
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter

from tracker.nlp.attribution import Attributor, Holder
from tracker.nlp.candidates import Featurizer
from tracker.nlp.dates import find_date
from tracker.nlp.gazetteer import ActorSpan, find_actor_spans
from tracker.nlp.language import detect_language
from tracker.nlp.learned import PREVIOUS_SENTENCES, AttributionModel, shipped_model
from tracker.nlp.normalize import SUPPORTED_LANGUAGES, sanitize, tokenize
from tracker.nlp.normalize.document import Document
from tracker.nlp.proposals import ProposalSpan, find_proposal_spans
from tracker.nlp.resources import Resources, Stream, case_matches, resolve_overlaps
from tracker.nlp.stance import pair_cues

EXTRACTOR_VERSION = "2026.1"


# Slotted, not frozen: built many times an article, and a frozen dataclass pays an
# object.__setattr__ call for each field; nothing changes one after it is built.
@dataclass(slots=True)
class Mention:
    actor: str
    start: int
    end: int
    text: str
    rule: str


@dataclass(slots=True)
class ProposalMention:
    kind: str
    start: int
    end: int
    text: str
    rule: str


CUE_KINDS = ("cue", "negation", "modality", "past")  # a stance cue and what changed it
SPAN_KINDS = ("actor", "proposal", *CUE_KINDS)


@dataclass(slots=True)
class Span:
    """A mention a position was built from: characters [start, end) of the text, what it is
    (one of SPAN_KINDS), what it names (the actor, the proposal kind, the cue's stance) and the
    rule that found it."""

    start: int
    end: int
    kind: str
    name: str
    rule: str


@dataclass(slots=True)
class ExtractedPosition:
    actor: str
    proposal: str
    stance: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    evidence: str
    stated_on: date | None
    is_past: bool
    confidence: float
    rules: tuple[str, ...]
    why: tuple[tuple[str, float], ...] = ()  # the model's strongest features for this position
    spans: tuple[Span, ...] = ()  # the actor, proposal and cue mentions it was built from


@dataclass
class Extraction:
    language: str
    actors: list[str] = field(default_factory=list)
    proposals: list[str] = field(default_factory=list)
    positions: list[ExtractedPosition] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    proposal_mentions: list[ProposalMention] = field(default_factory=list)
    extractor_version: str = EXTRACTOR_VERSION


SHIPPED = "shipped"
POSITION_ORDER = attrgetter("start", "actor", "proposal")  # how positions are listed


def extract(
    text: str,
    *,
    language: str | None,
    published: date | None,
    resources: Resources,
    model: AttributionModel | None | str = SHIPPED,
) -> Extraction:
    """Extract an article. ``model`` is the learned attribution layer: the shipped one by default,
    another ``AttributionModel`` (cross-validation), or None for the rules alone."""
    if model == SHIPPED:
        model = shipped_model()
    # A long article allocates hundreds of thousands of small objects that die with the call: cyclic
    # garbage collection would traverse the whole heap (compiled resources included) several times
    # for nothing, so it is paused for the call and left to run afterwards.
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        return _extract(
            text, language=language, published=published, resources=resources, model=model
        )
    finally:
        if paused:
            gc.enable()


def _extract(
    text: str,
    *,
    language: str | None,
    published: date | None,
    resources: Resources,
    model: AttributionModel | None,
) -> Extraction:
    text = sanitize(text or "")
    language = _language(text, language)
    if language not in SUPPORTED_LANGUAGES:
        return _extract_unsupported(text, language, resources)
    rules = _analyse(text, language, published, resources)
    doc = rules.doc
    mentions = [_mention(doc, s) for s in rules.spans]
    proposal_mentions = [
        ProposalMention(
            p.kind,
            doc.tokens[p.start].start,
            doc.tokens[p.end - 1].end,
            doc.span_text(p.start, p.end),
            p.rule,
        )
        for p in rules.proposals
    ]
    positions = rules.positions
    if model is not None:
        positions = _learned_positions(rules, published, model)
    return Extraction(
        language=language,
        actors=_unique(m.actor for m in mentions),
        proposals=_unique(p.kind for p in proposal_mentions),
        positions=positions,
        mentions=mentions,
        proposal_mentions=proposal_mentions,
    )


@dataclass
class _RuleAnalysis:
    """What the rules made of an article: the learned layer reads all of it."""

    doc: Document
    spans: list[ActorSpan]
    proposals: list[ProposalSpan]
    positions: list[ExtractedPosition]
    pairings: list  # (CuePairing, Holder | None), every cue paired with a proposal
    attributor: Attributor


def _language(text: str, language: str | None) -> str:
    if language is None:
        language = detect_language(text)
    return (language or "unknown").lower()


def _analyse(
    text: str, language: str, published: date | None, resources: Resources
) -> _RuleAnalysis:
    doc = Document.build(text, language, resources.packs[language], resources)
    spans, _venues = find_actor_spans(doc)
    proposals = find_proposal_spans(doc)
    positions, pairings, attributor = _positions(doc, spans, proposals, published)
    return _RuleAnalysis(doc, spans, proposals, positions, pairings, attributor)


def candidates_for(
    text: str, *, language: str | None, published: date | None, resources: Resources
):
    """The learned layer's candidates of an article (for training): rules run, no model."""
    text = sanitize(text or "")
    language = _language(text, language)
    if language not in SUPPORTED_LANGUAGES:
        return []
    return _candidates(_analyse(text, language, published, resources))


def _mention(doc: Document, span: ActorSpan) -> Mention:
    start, end = doc.tokens[span.start].start, doc.tokens[span.end - 1].end
    return Mention(span.actor, start, end, doc.text[start:end], span.rule)


def _unique(items) -> list:
    return list(dict.fromkeys(items))


def _positions(
    doc: Document, spans: list[ActorSpan], proposals: list[ProposalSpan], published: date | None
):
    proposal_tokens = {k for p in proposals for k in range(p.start, p.end)}
    core_tokens = {k for p in proposals for k in range(p.core_start, p.core_end)}
    attributor = Attributor(doc, spans, proposal_tokens, core_tokens)
    topic = _topic(proposals)
    claimed: dict[
        tuple[str, int], tuple[float, int, str]
    ] = {}  # (holder, proposal start) → best cue
    candidates = []
    pairings = []
    holders_by_sentence: dict[int, Holder] = {}
    anaphor_sentences = {doc.sentence_of[h.start] for h in doc.cues if h.payload[0] == "anaphor"}
    starts = {span.start for span in spans}
    owned = frozenset(h.start for h in doc.cues if h.payload[0] == "owner_noun" and h.end in starts)
    for pairing in pair_cues(doc, proposals, topic, owned):
        sentence = doc.sentence_of[pairing.cue.start]
        holder = attributor.holder_for(pairing.cue)
        if (
            holder is None
            and sentence in anaphor_sentences
            and not attributor.has_actor_before(pairing.cue.start)
        ):
            # "Among these options is sending ground troops": the options of the previous sentence's holder,
            # only when the anaphor is the sentence's subject (no actor of its own before the cue).
            previous = holders_by_sentence.get(sentence - 1)
            if (
                previous is not None
                and doc.paragraph_of_sentence[sentence - 1] == doc.paragraph_of_sentence[sentence]
            ):
                holder = Holder(
                    previous.actors, pairing.cue.start, previous.rules + ("holder:carried-over",)
                )
        pairings.append((pairing, holder))
        if holder is None:
            continue
        holders_by_sentence[sentence] = holder
        for proposal in pairing.proposals:
            distance = abs(proposal.start - pairing.cue.start)
            score = pairing.weight * proposal.weight
            # The same for every actor of the holder: worked out once a proposal.
            confidence = _confidence(score, holder.rules, pairing.via_anaphor)
            for actor in holder.actors:
                key = (actor, proposal.start)
                previous = claimed.get(key)
                if previous is None or (score, -distance) > (previous[0], -previous[1]):
                    claimed[key] = (score, distance, pairing.stance)
                candidates.append((actor, proposal, pairing, holder, confidence))
    winners: dict[tuple[str, str, str], tuple] = {}
    for candidate in candidates:
        actor, proposal, pairing, holder, confidence = candidate
        if claimed[(actor, proposal.start)][2] != pairing.stance:
            continue  # a stronger cue gave this holder another stance on the same mention
        key = (actor, proposal.kind, pairing.stance)
        if key not in winners or confidence > winners[key][4]:
            winners[key] = candidate
    named_at = {span.start: span for span in spans}
    positions = [_position(doc, named_at, *candidate, published) for candidate in winners.values()]
    return sorted(positions, key=POSITION_ORDER), pairings, attributor


def _candidates(rules: _RuleAnalysis):
    """The learned layer's candidates for an article, with their features."""
    rule_triples: dict[tuple[str, str, str], float] = {}
    for p in rules.positions:
        key = (p.actor, p.proposal, p.stance)
        rule_triples[key] = max(rule_triples.get(key, 0.0), p.confidence)
    featurizer = Featurizer(
        rules.doc, rules.spans, rules.proposals, rules.pairings, rule_triples, rules.attributor
    )
    return featurizer.candidates()


# An actor and a proposal that only the headline or the article's topic bring together: on held-out
# folds of train.jsonl the model alone never got such a pair right (0 of 11 it proposed), so it takes
# a rule's finding too.
REMOTE_CONTEXTS = frozenset({"headline", "topic"})


def _learned_positions(
    rules: _RuleAnalysis, published: date | None, model: AttributionModel
) -> list[ExtractedPosition]:
    """The model decides every candidate; a kept rule position keeps its evidence, a new one takes
    the sentence where the actor and the proposal meet with a cue of that stance."""
    by_triple = {(p.actor, p.proposal, p.stance): p for p in rules.positions}
    ruled = {(p.actor, p.proposal) for p in rules.positions}
    model_rule = f"model:{model.version}"
    out = []
    for candidate in _candidates(rules):
        remote = all(m.context in REMOTE_CONTEXTS for m in candidate.meetings)
        if remote and (candidate.actor, candidate.kind) not in ruled:
            continue  # no rule found it, so no stance of the model's could make it a position
        stance, probability, why = model.decide(candidate.features)
        if stance == "none":
            continue
        rule = by_triple.get((candidate.actor, candidate.kind, stance))
        if rule is None and remote:
            continue
        confidence = round(probability, 3)
        if rule is not None:
            # Updated in place rather than copied: the rules' positions are this analysis's own and
            # nothing reads them after the model, and a candidate is one (actor, proposal) deciding
            # one stance, so no rule position is taken twice.
            rule.confidence = confidence
            rule.why = why
            rule.rules = (model_rule, *rule.rules)
            out.append(rule)
            continue
        out.append(_model_position(rules, candidate, stance, confidence, why, published, model))
    return sorted(out, key=POSITION_ORDER)


CONTEXT_ORDER = {
    "same": 0,
    "quote": 1,
    "holder": 2,
    "prev": 3,
    "anaphor": 4,
    "topic": 5,
    "headline": 6,
}


def _model_position(
    rules, candidate, stance, confidence, why, published, model
) -> ExtractedPosition:
    doc = rules.doc
    meeting = min(
        candidate.meetings,
        key=lambda m: (m.stance != stance, CONTEXT_ORDER[m.context], m.distance, m.sentence),
    )
    sa, sb = doc.sentences[meeting.sentence]
    start, end = doc.tokens[sa].start, doc.tokens[sb - 1].end
    found, date_rule, _explicit = _sentence_date(doc, meeting.sentence, published)
    stated_on = found if found is not None else published
    spans = _meeting_spans(rules, candidate.actor, candidate.kind, stance, meeting.sentence)
    # The holder named in a sentence before ("prev"): the evidence runs from that sentence on.
    start = min([start, *(s.start for s in spans)])
    rules = [f"model:{model.version}", f"context:{meeting.context}"]
    if date_rule and found is not None:
        rules.append(date_rule)
    return ExtractedPosition(
        actor=candidate.actor,
        proposal=candidate.kind,
        stance=stance,
        start=start,
        end=end,
        sentence_start=start,
        sentence_end=end,
        evidence=doc.text[start:end],
        stated_on=stated_on,
        is_past=False,
        confidence=confidence,
        rules=tuple(rules),
        why=why,
        spans=spans,
    )


def _meeting_spans(rules, actor, kind, stance, sentence) -> tuple[Span, ...]:
    """What the model read where it found a position: the actor's mentions in the sentence (else
    its last mention before it), the proposal's mentions there and the cues of that stance paired
    with them."""
    doc = rules.doc
    index = _sentence_index(rules)
    actors, proposals, pairings = index["sentences"].get(sentence, ((), (), ()))
    named = [m for m in actors if m.actor == actor]
    if not named:
        # Its last mention before, when it is close enough to be read with the sentence (the same
        # paragraph, at most PREVIOUS_SENTENCES back); a headline or a distant mention is not.
        earlier = index["by_actor"].get(actor, [])
        at = bisect.bisect_left(earlier, doc.sentences[sentence][0], key=lambda m: m.start)
        named = earlier[at - 1 : at] if at else []
        if named:
            back = doc.sentence_of[named[0].start]
            if (
                sentence - back > PREVIOUS_SENTENCES
                or doc.paragraph_of_sentence[back] != doc.paragraph_of_sentence[sentence]
            ):
                named = []
    out = [_char_span(doc, m.start, m.end, "actor", m.actor, m.rule) for m in named]
    out += [
        _char_span(doc, p.start, p.end, "proposal", p.kind, p.rule)
        for p in proposals
        if p.kind == kind
    ]
    for pairing in pairings:
        if pairing.stance == stance and any(p.kind == kind for p in pairing.proposals):
            out += _cue_spans(doc, pairing)
    unique = {(s.start, s.end, s.kind): s for s in reversed(out)}  # one per place: the first rule
    return tuple(sorted(unique.values(), key=attrgetter("start", "end", "kind")))


def _confidence(score: float, holder_rules: tuple[str, ...], via_anaphor: bool) -> float:
    # holder.rules[0] is rules[2] of the position: the clause-subject bonus looks at it only.
    bonus = 0.1 if holder_rules and "holder:clause-subject" in holder_rules[0] else 0
    confidence = max(0.05, min(1.0, 0.35 + 0.5 * score + bonus))
    if via_anaphor:
        confidence *= 0.7
    return round(confidence, 3)


def _topic(proposals: list[ProposalSpan]) -> str | None:
    """The article's most discussed proposal kind (the earliest of equals): the default antecedent of anaphors."""
    counts: dict[str, int] = {}
    for p in proposals:
        counts[p.kind] = counts.get(p.kind, 0) + 1
    return max(counts, key=counts.get) if counts else None  # dict order is first-mention order


def _position(doc, named_at, actor, proposal, pairing, holder, confidence, published):
    cue = pairing.cue
    sentence = doc.sentence_of[cue.start]
    sa, sb = doc.sentences[sentence]
    a = min(
        cue.start,
        proposal.start,
        holder.start if doc.sentence_of[holder.start] == sentence else cue.start,
    )
    b = max(cue.end, proposal.end)
    start, end = doc.tokens[a].start, doc.tokens[b - 1].end
    s_start, s_end = doc.tokens[sa].start, doc.tokens[sb - 1].end
    is_past = pairing.past is not None
    found, date_rule, explicit = _sentence_date(doc, sentence, published)
    rules = [
        f"stance:{cue.payload[0]}:{doc.language}:{cue.payload[2]}",
        proposal.rule,
        *holder.rules,
    ]
    if pairing.negation is not None:
        rules.append(f"negation:{doc.language}:{pairing.negation.payload[2]}")
    if pairing.modality is not None:
        rules.append(f"modality:{doc.language}:{pairing.modality.payload[2]}")
    if is_past:
        rules.append(f"past:{doc.language}:{pairing.past.payload[2]}")
        stated_on = found if explicit else None
    else:
        stated_on = found if found is not None else published
    if date_rule and stated_on is not None and found == stated_on:
        rules.append(date_rule)
    return ExtractedPosition(
        actor=actor,
        proposal=proposal.kind,
        stance=pairing.stance,
        start=start,
        end=end,
        sentence_start=s_start,
        sentence_end=s_end,
        evidence=doc.text[start:end],
        stated_on=stated_on,
        is_past=is_past,
        confidence=confidence,
        rules=tuple(rules),
        spans=_rule_spans(doc, named_at, proposal, pairing, holder),
    )


def _char_span(doc: Document, start: int, end: int, kind: str, name: str, rule: str) -> Span:
    return Span(doc.tokens[start].start, doc.tokens[end - 1].end, kind, name, rule)


def _rule_spans(doc, named_at, proposal, pairing, holder) -> tuple[Span, ...]:
    """The mentions a rule position was built from: its holder's mention (when the holder is
    named, not implied), the proposal, the cue and its negation, modality and past markers."""
    spans = []
    named = named_at.get(holder.start)  # None when the holder is implied (a pronoun, a carry-over)
    if named is not None:
        spans.append(_char_span(doc, named.start, named.end, "actor", named.actor, named.rule))
    spans.append(
        _char_span(doc, proposal.start, proposal.end, "proposal", proposal.kind, proposal.rule)
    )
    return (*spans, *_cue_spans(doc, pairing))


def _sentence_index(rules) -> dict:
    """The article's actor mentions, proposal mentions and cue pairings by sentence, and each
    actor's mentions in text order: built once an article, so positions cost what they read."""
    index = rules.__dict__.get("_index")
    if index is None:
        doc = rules.doc
        sentences: dict[int, tuple[list, list, list]] = {}
        by_actor: dict[str, list[ActorSpan]] = {}
        for m in rules.spans:
            sentences.setdefault(doc.sentence_of[m.start], ([], [], []))[0].append(m)
            by_actor.setdefault(m.actor, []).append(m)
        for p in rules.proposals:
            sentences.setdefault(doc.sentence_of[p.start], ([], [], []))[1].append(p)
        for pairing, _holder in rules.pairings:
            sentence = doc.sentence_of[pairing.cue.start]
            sentences.setdefault(sentence, ([], [], []))[2].append(pairing)
        index = rules.__dict__["_index"] = {"sentences": sentences, "by_actor": by_actor}
    return index


def _cue_spans(doc: Document, pairing) -> list[Span]:
    """A stance cue with the negation, modality and past markers that changed it."""
    cue = pairing.cue
    rule = f"stance:{cue.payload[0]}:{doc.language}:{cue.payload[2]}"
    spans = [_char_span(doc, cue.start, cue.end, "cue", pairing.stance, rule)]
    markers = (
        ("negation", pairing.negation),
        ("modality", pairing.modality),
        ("past", pairing.past),
    )
    for kind, hit in markers:
        if hit is not None:
            rule = f"{kind}:{doc.language}:{hit.payload[2]}"
            spans.append(_char_span(doc, hit.start, hit.end, kind, kind, rule))
    return spans


def _sentence_date(doc: Document, sentence: int, published: date | None):
    cache = doc.__dict__.setdefault("_dates", {})
    if sentence not in cache:
        sa, sb = doc.sentences[sentence]
        words = [t.surface for t in doc.tokens[sa:sb] if t.kind == "word"]
        cache[sentence] = find_date(doc.language, words, published)
    return cache[sentence]


def _extract_unsupported(text: str, language: str, resources: Resources) -> Extraction:
    pack = resources.neutral
    tokens = [t for t in tokenize(text) if t.kind in ("word", "punct")]
    stream = Stream.build(
        (i, pack.analyzer.actor_key(t.surface) if t.kind == "word" else t.surface)
        for i, t in enumerate(tokens)
    )
    mentions = []
    hits = [
        h
        for h in pack.actors.find(stream)
        if case_matches(h.payload[4], "".join(tokens[k].surface for k in range(h.start, h.end)))
    ]
    for hit in resolve_overlaps(hits):
        name, strength, alias, _, _ = hit.payload
        if strength == "weak":
            continue
        start, end = tokens[hit.start].start, tokens[hit.end - 1].end
        mentions.append(Mention(name, start, end, text[start:end], f"alias:exact:{alias}"))
    seen = set()
    unique = []
    for m in mentions:
        if (m.start, m.end) not in seen:
            seen.add((m.start, m.end))
            unique.append(m)
    return Extraction(language=language, actors=_unique(m.actor for m in unique), mentions=unique)
