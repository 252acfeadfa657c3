"""The tracker's vocabularies, each defined here once: languages, stances (with their words and
symbols), proposal kinds and lexicon categories.

The pipeline reads them as they are; the models' choices, the forms and the templates (through
the ``vocabulary`` context processor) derive theirs from them. Pure Python: no Django.
"""

from __future__ import annotations

from typing import NamedTuple

# The languages the pipeline analyses; an article in any other language is recorded as "unknown".
LANGUAGES = {
    "ar": "Arabic",
    "en": "English",
    "fr": "French",
    "de": "German",
    "ru": "Russian",
    "uk": "Ukrainian",
}
UNKNOWN_LANGUAGE = "unknown"


class StanceWords(NamedTuple):
    label: str  # "Supports": a column heading, a filter choice
    verb: str  # "supports": "Donald Trump supports air defence"
    symbol: str  # "✔": a matrix cell


STANCES = {
    "support": StanceWords("Supports", "supports", "✔"),
    "oppose": StanceWords("Opposes", "opposes", "✖"),
    "considering": StanceWords("Considering", "considering", "?"),
}

# The order stances are shown in, from support to opposition.
STANCE_ORDER = ("support", "considering", "oppose")

PROPOSAL_KINDS = {
    "ground_troops": "Ground troops",
    "air_support": "Air support",
    "no_fly_zone": "No-fly zone",
    "air_defense": "Air defence",
    "military_aid": "Military aid",
    "security_guarantee": "Security guarantee",
    "nato_membership": "NATO membership",
}

# What each lexicon entry is to the pipeline, with the label curators see in admin.
LEXICON_CATEGORIES = {
    "proposal": "Proposal paraphrase",  # of a proposal kind
    "proposal_cue": "Proposal cue (only near its anchor)",  # "membership" near NATO
    "anchor": "Proposal anchor (NATO, the alliance)",
    "support": "Support cue",
    "oppose": "Oppose cue",
    "considering": "Considering cue",
    "warning": "Warning (oppose, not weakened by modality)",  # "could lead to war"
    "negation": "Negation",
    "modality": "Modality",
    "past": "Past marker",
    "report_verb": "Reporting verb",
    "locative": "Locative preposition",  # the actor after it is a place
    "complementizer": "Complementizer (that, что, أن)",  # opens a reported clause
    "boundary": "Clause boundary (but, while)",  # cue pairing does not cross it
    "conditional": "Conditional (if)",  # a cue in the clause it opens is hypothetical, nobody's stance
    "coord": "Coordination (and)",  # joins coordinated holders
    "source": "Source marker (according to)",  # the actor after it is a source, not a holder
    "example": "Example marker (including)",  # the actors after it are examples, not holders
    "partner": "Partner preposition (between, against)",  # the actors after it are parties, not holders
    "comitative": "Comitative (together with)",  # the actors after it share the subject's stance
    "relative": "Subject relative pronoun (who, qui, которая)",  # the actor before it is the subject
    "belief": "Belief verb (believe, glauben, считать)",  # negated, it negates the clause it opens
    "request": "Request verb (asked, urged, призвал)",  # the actors it asks are not the holders
    "agent": "Agent marker (by, par, durch)",  # the actors after it, right after a cue, hold it
    "owner_noun": "Noun whose genitive holds it (demande de, просьба, طلب)",  # "Kyiv's request"
    "anaphor": "Anaphor for a proposal (the plan)",  # refers back to the main proposal
    "pronoun_person": "Personal pronoun (he, she)",  # the last named person
    "pronoun_we": "Pronoun we",  # the speaker of the quote
    "pronoun_country": "His/her country",  # the last person's state
    "pronoun_they": "Plural pronoun (they, both countries)",  # the last coordinated actors
    "venue": "Venue (capital or seat)",  # capitals that double as metonyms (Paris, Moscow)
    "filler": "Filler word skipped in phrases",  # "immediately", "فوراً"
    "not_actor": "Not an actor (Latin America, Washington Post)",  # contains an alias, is none
}
