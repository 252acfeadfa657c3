"""Candidate (actor, proposal kind) pairs of an article and their features, for the learned layer.

A candidate is an actor and a proposal kind whose mentions meet in a sentence,
in a quote and its speaker, across a sentence that names no actor of its own
(its holder is in the sentence before, in the same paragraph), through the
headline, or as the holder the rules gave a cue on the proposal without the
sentence naming it (a pronoun, a quote's speaker). Its features aggregate every such meeting (binary features are
"any", distances the smallest); see ``tracker.nlp.learned`` for the
model that reads them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from tracker.nlp.attribution import cue_before
from tracker.nlp.gazetteer import ActorSpan, is_place
from tracker.nlp.normalize.document import Document
from tracker.nlp.proposals import ProposalSpan

STANCE_CUES = ("support", "oppose", "considering", "warning")
VOTES = {stance: f"votes={stance}" for stance in ("support", "oppose", "considering")}
SUBJECT_WINDOW = 4  # words between a subject and its verb or cue
PREVIOUS_SENTENCES = 2


@dataclass(slots=True)
class Meeting:
    """One place where the actor and the proposal meet, with what the rules said there."""

    context: str  # same, quote, prev, headline
    sentence: int  # the proposal's sentence
    stance: str | None  # the stance of a rule cue paired with the proposal there, if any
    distance: int


@dataclass(slots=True)
class Candidate:
    actor: str
    kind: str
    features: dict[str, float] = field(default_factory=dict)
    meetings: list[Meeting] = field(default_factory=list)
    # Featurizer's bookkeeping: features that also get a per-language copy (in first-seen order), and
    # whether any mention of the actor stood outside the proposal's own words.
    per_language: dict[str, None] = field(default_factory=dict, repr=False, compare=False)
    seen_outside_proposal: bool = field(default=False, repr=False, compare=False)


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    for edge in edges:
        if n <= edge:
            return f"le{edge}"
    return f"gt{edges[-1]}"


DISTANCE_EDGES = (3, 8, 15, 30)
# The distance feature of every distance up to the last edge, and beyond it: named once, read for
# every meeting in a sentence.
DISTANCE_FEATURES = tuple(
    f"dist={_bucket(n, DISTANCE_EDGES)}" for n in range(DISTANCE_EDGES[-1] + 1)
)
DISTANCE_FAR = f"dist={_bucket(DISTANCE_EDGES[-1] + 1, DISTANCE_EDGES)}"


class Featurizer:
    def __init__(
        self,
        doc: Document,
        mentions: list[ActorSpan],
        proposals: list[ProposalSpan],
        pairings: list,  # (CuePairing, Holder | None)
        rule_triples: dict[tuple[str, str, str], float],
        attributor,
    ):
        self.doc = doc
        self.mentions = mentions
        self.proposals = proposals
        self.attributor = attributor
        self.rule_triples = rule_triples
        resources = doc.resources
        self.resources = resources
        sentence_of = doc.sentence_of
        self.proposal_tokens = {k for p in proposals for k in range(p.start, p.end)}
        self.by_sentence: dict[int, list[ActorSpan]] = {}
        for m in mentions:
            self.by_sentence.setdefault(sentence_of[m.start], []).append(m)
        self.kinds_by_sentence: dict[int, dict[str, list[ProposalSpan]]] = {}
        for p in proposals:
            sentence = sentence_of[p.start]
            self.kinds_by_sentence.setdefault(sentence, {}).setdefault(p.kind, []).append(p)
        # What the rules' cues said about each (sentence, kind), and who they gave it to.
        self.paired: dict[tuple[int, str], list[tuple]] = {}
        # A pairing's proposal is one of the article's (listed above, found by identity) or the
        # antecedent an anaphor stands for, which is listed unless an equal one is.
        listed = {id(p) for p in proposals}
        for pairing, holder in pairings:
            for p in pairing.proposals:
                sentence = sentence_of[p.start]
                spans = self.kinds_by_sentence.setdefault(sentence, {}).setdefault(p.kind, [])
                if id(p) not in listed and p not in spans:
                    spans.append(p)
                self.paired.setdefault((sentence, p.kind), []).append((pairing, holder))
        # The categories of the cues of each sentence. The cues are in text order, so a sentence's
        # run of them is read at once.
        self.cue_categories: dict[int, set[str]] = {}
        categories: set[str] | None = None
        current = -1
        for h in doc.cues:
            if h.payload[3] <= 0:
                continue
            sentence = sentence_of[h.start]
            if sentence != current:
                current = sentence
                categories = self.cue_categories[sentence] = set()
            categories.add(h.payload[0])
        self.mention_counts: dict[str, int] = {}
        for m in mentions:
            self.mention_counts[m.actor] = self.mention_counts.get(m.actor, 0) + 1
        self.kind_counts: dict[str, int] = {}
        for p in proposals:
            self.kind_counts[p.kind] = self.kind_counts.get(p.kind, 0) + 1
        self.topic = max(self.kind_counts, key=self.kind_counts.get) if self.kind_counts else None
        self.headline = self._first_sentence()
        self._facts: dict[int, tuple[str, ...]] = {}
        self._fact_names: dict[tuple[int, str], tuple[tuple[str, ...], bool]] = {}
        self.rules_by_kind: dict[str, list[tuple[str, str, float]]] = {}
        for (actor, kind, stance), confidence in rule_triples.items():
            self.rules_by_kind.setdefault(kind, []).append((actor, stance, confidence))
        self._clauses: dict[tuple[str, int, str], dict[str, float]] = {}
        self._negated: dict[tuple[int, str], bool] = {}
        self._sentence_facts: dict[int, tuple[str, ActorSpan | None]] = {}
        self._actors: dict[str, tuple[str, str]] = {}
        self.lang_feature = f"lang={doc.language}"

    def _first_sentence(self) -> int | None:
        for s, (a, b) in enumerate(self.doc.sentences):
            if any(self.doc.tokens[k].kind == "word" for k in range(a, b)):
                return s
        return None

    # Mention-level facts --------------------------------------------------------------
    def _mention_facts(self, m: ActorSpan) -> tuple[str, ...]:
        """Features of a mention that do not depend on the proposal (computed once a mention)."""
        cached = self._facts.get(m.start)
        if cached is None:
            facts = []
            eligible = self.attributor.eligible(m)
            if not eligible:
                facts.append("ineligible")
                if self.attributor.modifies_proposal(m):
                    facts.append("modifier")  # "Nato-Truppen", "войск НАТО"
            # An eligible mention is never governed by a locative (eligibility checks it first).
            if not eligible and is_place(self.doc, m.start, m.end):
                facts.append("locative")
            subject, report = self._is_subject(m)
            if subject:
                facts.append("subject")
            if report:
                facts.append("report_subject")
            if self._after(m, ("source",)):
                facts.append("after_source")
            if self.attributor.object_of_verb(m) or self.attributor.oblique(m):
                facts.append("object")  # "supply Ukraine", "Україні не варто"
            if self._after(m, ("example",)):
                facts.append("example")  # "countries such as Germany"
            if self._in_list(m):
                facts.append("coord")
            if self._titles_person(m):
                facts.append("title")
            if not self.proposal_tokens.isdisjoint(range(m.start, m.end)):
                facts.append("in_proposal")
            cached = self._facts[m.start] = tuple(facts)
        return cached

    def _is_subject(self, m: ActorSpan) -> tuple[bool, bool]:
        """(a verb or stance cue follows within a few words, a reporting verb is that verb)."""
        doc = self.doc
        sentence = doc.sentence_of[m.start]
        b = doc.sentences[sentence][1]
        k, words = m.end, 0
        while k < b and words <= SUBJECT_WINDOW:
            for hit in doc.cues_at[k]:
                category = hit.payload[0]
                if hit.payload[3] <= 0:
                    continue
                if category == "report_verb":
                    return True, True
                if category in STANCE_CUES:
                    return True, False
                if category in ("boundary", "complementizer"):
                    return False, False
            if doc.tokens[k].kind == "word":
                words += 1
            k += 1
        # verb-first: "وقال ستولتنبرغ", "sagte Merz", "заявил Песков"
        k, words = m.start - 1, 0
        a = doc.sentences[sentence][0]
        while k >= a and words < 2:
            for hit in doc.cues_ending[k + 1]:
                if hit.payload[0] == "report_verb" and hit.payload[3] > 0:
                    return True, True
            if doc.tokens[k].kind == "word":
                words += 1
            k -= 1
        return False, False

    def _after(self, m: ActorSpan, categories: tuple[str, ...], window: int = 3) -> bool:
        return cue_before(self.doc, m.start, categories, window)

    def _titles_person(self, m: ActorSpan) -> bool:
        """A state or body named in a person's title: "президент Франции Эммануэль Макрон",
        "le ministre français Jean-Noël Barrot", "US Secretary of State Marco Rubio"."""
        if m.kind == "person":
            return False
        doc = self.doc
        for o in self.by_sentence.get(doc.sentence_of[m.start], ()):
            if o is m or o.start < m.end or o.kind != "person":
                continue
            if o.start - m.end <= 3:
                for token in doc.tokens[m.end : o.start]:
                    if token.kind != "word":
                        break
                else:
                    return True  # only words between
        return False

    def _in_list(self, m: ActorSpan) -> bool:
        """A coordinated holder: another actor joined to this one by a comma or 'and'."""
        doc = self.doc
        sentence = doc.sentence_of[m.start]
        for o in self.by_sentence.get(sentence, ()):
            if o is m:
                continue
            lo, hi = (o.end, m.start) if o.end <= m.start else (m.end, o.start)
            if hi - lo > 3:
                continue
            # joined when every word between is a coordination: punctuation needs no word
            for k in range(lo, hi):
                if doc.tokens[k].kind == "word" and not any(
                    h.payload[0] == "coord" for h in doc.cues_at[k]
                ):
                    break
            else:
                return True
        return False

    # Candidates -----------------------------------------------------------------------
    def candidates(self) -> list[Candidate]:
        doc = self.doc
        found: dict[tuple[str, str], Candidate] = {}
        headline_met: set[tuple[str, str]] = set()

        def meet(actor, kind, context, sentence, distance, mention):
            key = (actor, kind)
            candidate = found.get(key)
            if candidate is None:
                candidate = found[key] = Candidate(actor, kind)
            paired = self.paired.get((sentence, kind), ())
            stance = self._mention_features(
                candidate, context, sentence, kind, mention, distance, paired
            )
            candidate.meetings.append(Meeting(context, sentence, stance, distance))

        for sentence, kinds in self.kinds_by_sentence.items():
            here = self.by_sentence.get(sentence, [])
            eligible_here = [m for m in here if self.attributor.eligible(m)]
            for kind, spans in kinds.items():
                for m in here:
                    distance = min([abs(m.start - p.start) for p in spans]) if spans else 30
                    meet(m.actor, kind, "same", sentence, distance, m)
                if not eligible_here:
                    paragraph = doc.paragraph_of_sentence[sentence]
                    for back in range(1, PREVIOUS_SENTENCES + 1):
                        previous = sentence - back
                        if previous < 0 or doc.paragraph_of_sentence[previous] != paragraph:
                            break
                        before = [
                            m
                            for m in self.by_sentence.get(previous, ())
                            if self.attributor.eligible(m)
                        ]
                        if before:
                            for m in before:
                                meet(m.actor, kind, "prev", sentence, 40, m)
                            break
                for p in spans:
                    q = doc.quote_of[p.start]
                    if q >= 0:
                        speaker = self.attributor.quote_speaker(q)
                        for actor in speaker.actors if speaker is not None else ():
                            meet(actor, kind, "quote", sentence, 40, None)
                if self.headline is not None and sentence != self.headline:
                    for m in self.by_sentence.get(self.headline, ()):
                        if (m.actor, kind) not in headline_met and self.attributor.eligible(m):
                            headline_met.add((m.actor, kind))
                            meet(m.actor, kind, "headline", sentence, 60, m)
        self._anaphoric(meet)
        # A holder the rules found for a cue on the proposal without naming it in the sentence:
        # a pronoun ("he rejected…"), the speaker of a quote, the subject carried over.
        for (sentence, kind), paired in self.paired.items():
            named = {m.actor for m in self.by_sentence.get(sentence, ())}
            for _pairing, holder in paired:
                for actor in holder.actors if holder is not None else ():
                    if actor not in named:
                        named.add(actor)
                        meet(actor, kind, "holder", sentence, 40, None)
        for candidate in found.values():
            self._candidate_features(candidate)
        return list(found.values())

    def _negated_proposal(self, sentence: int, kind: str) -> bool:
        """A negation right before the proposal's words: "no American air support", "keine Truppen".
        Computed once a sentence and kind (the clause features of each context ask)."""
        key = (sentence, kind)
        found = self._negated.get(key)
        if found is None:
            found = self._negated[key] = self._find_negated_proposal(sentence, kind)
        return found

    def _find_negated_proposal(self, sentence: int, kind: str) -> bool:
        doc = self.doc
        a = doc.sentences[sentence][0]
        for p in self.kinds_by_sentence.get(sentence, {}).get(kind, ()):
            k, words = p.start - 1, 0
            while k >= a and words < 3:
                for hit in doc.cues_ending[k + 1]:
                    if hit.payload[0] == "negation" and hit.payload[3] > 0:
                        return True
                if doc.tokens[k].kind == "word":
                    words += 1
                k -= 1
        return False

    def _anaphoric(self, meet) -> None:
        """A sentence with an actor and a stance cue but no proposal ("Germany will contribute"):
        its proposal is the one of the nearest sentence before it in the paragraph that has one,
        else the article's main proposal."""
        doc = self.doc
        for sentence, here in self.by_sentence.items():
            if sentence in self.kinds_by_sentence:
                continue
            cats = self.cue_categories.get(sentence, set())
            if not cats & set(STANCE_CUES):
                continue
            kinds: set[str] = set()
            paragraph = doc.paragraph_of_sentence[sentence]
            for back in range(1, PREVIOUS_SENTENCES + 1):
                previous = sentence - back
                if previous < 0 or doc.paragraph_of_sentence[previous] != paragraph:
                    break
                if previous in self.kinds_by_sentence:
                    kinds = set(self.kinds_by_sentence[previous])
                    break
            context = "anaphor" if kinds else "topic"
            if not kinds and self.topic is not None:
                kinds = {self.topic}
            for kind in sorted(kinds):
                for m in here:
                    if self.attributor.eligible(m):
                        meet(m.actor, kind, context, sentence, 40, m)

    def _clause_features(self, context: str, sentence: int, kind: str) -> dict[str, float]:
        """What the proposal's sentence says whoever the actor is (computed once a sentence)."""
        key = (context, sentence, kind)
        cached = self._clauses.get(key)
        if cached is not None:
            return cached
        names = [f"ctx_{context}"]
        cats = self.cue_categories.get(sentence, set())
        for category in (*STANCE_CUES, "negation", "modality"):
            if category in cats:
                names.append(f"sent_cue|{context}={category}")
        if self._negated_proposal(sentence, kind):
            names.append(f"neg_proposal|{context}")
        for pairing, _holder in self.paired.get((sentence, kind), ()):
            stance = pairing.stance
            names.append(f"pair|{context}={stance}")
            if pairing.negation is not None:
                names.append(f"pair_neg|{context}={stance}")
            if pairing.modality is not None:
                names.append(f"pair_modal|{context}={stance}")
            if pairing.past is not None:
                names.append("pair_past")
            if pairing.cue.payload[0] == "warning":
                names.append("pair_warning")
        cached = self._clauses[key] = dict.fromkeys(names, 1.0)
        return cached

    def _sentence_actors(self, sentence: int) -> tuple[str, ActorSpan | None]:
        """(the n_actors feature, the first eligible mention) of a sentence (computed once a sentence)."""
        cached = self._sentence_facts.get(sentence)
        if cached is None:
            here = self.by_sentence.get(sentence, [])
            eligible = [m for m in here if self.attributor.eligible(m)]
            cached = self._sentence_facts[sentence] = (
                f"n_actors={_bucket(len({m.actor for m in here}), (1, 2, 3))}",
                eligible[0] if eligible else None,
            )
        return cached

    def _mention_features(
        self, c, context, sentence, kind, mention, distance, paired
    ) -> str | None:
        """Add a meeting's features to the candidate's; return the stance the rules' cues gave
        there (of the first pairing this actor holds, else of the last one; None without one)."""
        f = c.features
        f.update(self._clause_features(context, sentence, kind))
        nearest = None
        same = mention is not None and context == "same"
        per_language = c.per_language
        met, held = None, False
        for pairing, holder in paired:
            stance = pairing.stance
            mine = holder is not None and c.actor in holder.actors
            if not held:
                met, held = stance, mine
            if mine:
                votes = VOTES[stance]
                f[votes] = f.get(votes, 0.0) + 1.0
                who = "mine"
            else:
                who = "other" if holder is not None else "nobody"
            name = f"pair|{context}|{who}={stance}"
            f[name] = 1.0
            if mine and (context == "same" or context == "quote"):
                per_language[name] = None
            if same:
                cue_start = pairing.cue.start
                gap = abs(cue_start - mention.start)
                if nearest is None or gap < nearest[0]:
                    nearest = (gap, stance)
                side = "after" if cue_start >= mention.end else "before"
                f[f"cue_{side}_actor={stance}"] = 1.0
        if nearest is not None:
            name = f"nearest_cue={nearest[1]}"
            f[name] = 1.0
            per_language[name] = None
        if mention is None:
            return met
        if context == "same":
            f[
                DISTANCE_FEATURES[distance] if distance < len(DISTANCE_FEATURES) else DISTANCE_FAR
            ] = 1.0
            n_actors, first = self._sentence_actors(sentence)
            f[n_actors] = 1.0
            if first is mention:
                f["first_actor"] = 1.0
        names, inside = self._fact_features(mention, context)
        if not inside:
            c.seen_outside_proposal = True
        for name in names:
            f[name] = 1.0
        return met

    def _fact_features(self, m: ActorSpan, context: str) -> tuple[tuple[str, ...], bool]:
        """(the mention's facts as features of a meeting in ``context``, whether the mention is
        inside the proposal's words), computed once a mention and context."""
        key = (m.start, context)
        cached = self._fact_names.get(key)
        if cached is None:
            facts = self._mention_facts(m)
            names = []
            for fact in facts:
                if fact in ("locative", "after_source"):
                    names.append(fact)
                elif fact != "in_proposal":
                    names.append(f"{fact}|{context}")
            cached = self._fact_names[key] = (tuple(names), "in_proposal" in facts)
        return cached

    def _candidate_features(self, c: Candidate) -> None:
        f = c.features
        doc = self.doc
        if not c.seen_outside_proposal and "ctx_same" in f:
            f["inside_proposal"] = 1.0
        actor_kind, group = self._actor_facts(c.actor)
        f[f"akind={actor_kind}"] = 1.0
        f[self.lang_feature] = 1.0
        f[f"kind={c.kind}"] = 1.0
        f[f"agroup={group}"] = 1.0
        f[f"agroup|{group}|{c.kind}"] = 1.0
        f[f"akind|{actor_kind}|{c.kind}"] = 1.0
        f["a_mentions"] = math.log1p(self.mention_counts.get(c.actor, 0))
        f["k_mentions"] = math.log1p(self.kind_counts.get(c.kind, 0))
        f["meetings"] = math.log1p(len(c.meetings))
        for name in VOTES.values():
            votes = f.pop(name, 0.0)
            if votes:
                f[name] = math.log1p(votes)
        if c.kind == self.topic:
            f["topic"] = 1.0
        if self.headline is not None and c.kind in self.kinds_by_sentence.get(self.headline, {}):
            f["k_headline"] = 1.0
        ruled = False
        ancestors = self.resources.ancestors
        lineage = ancestors(c.actor)
        for actor, stance, confidence in self.rules_by_kind.get(c.kind, ()):
            if actor == c.actor:
                ruled = True
                f[f"rule={stance}"] = 1.0
                f["rule_confidence"] = max(f.get("rule_confidence", 0.0), confidence)
                f[f"rule|{doc.language}={stance}"] = 1.0
            elif actor in lineage or c.actor in ancestors(actor):
                f[f"rule_rel={stance}"] = 1.0
            else:
                f[f"rule_other={stance}"] = 1.0
        if not ruled:
            f["rule=none"] = 1.0
        for name in c.per_language:
            f[f"{name}|{doc.language}"] = f[name]

    def _actor_facts(self, actor: str) -> tuple[str, str]:
        """(the actor's kind, its side: ukraine, russia or other), looked up once an article."""
        found = self._actors.get(actor)
        if found is None:
            state = self.resources.state_of(actor)
            group = "ukraine" if state == "Ukraine" else "russia" if state == "Russia" else "other"
            found = self._actors[actor] = (self.resources.kind_of(actor), group)
        return found
