"""The vocabularies every template may read: ``LANGUAGES``, ``STANCES`` (shown in ``STANCE_ORDER``), ``PROPOSAL_KINDS``."""

from tracker.nlp import vocabulary


def vocabulary_context(request) -> dict:
    return {
        "LANGUAGES": vocabulary.LANGUAGES,
        "STANCES": vocabulary.STANCES,
        "STANCE_ORDER": vocabulary.STANCE_ORDER,
        "PROPOSAL_KINDS": vocabulary.PROPOSAL_KINDS,
    }
