"""The vocabularies every template may read: ``LANGUAGES``, ``STANCES``, ``PROPOSAL_KINDS``."""

from tracker.extraction import vocabulary


def vocabulary_context(request) -> dict:
    return {
        "LANGUAGES": vocabulary.LANGUAGES,
        "STANCES": vocabulary.STANCES,
        "PROPOSAL_KINDS": vocabulary.PROPOSAL_KINDS,
    }
