"""The pure extraction pipeline: normalisation, gazetteer, proposals, stance, attribution, dates,
language detection, the learned model's inference and the vocabularies, with the versioned data
files they read (data/). Text in, positions out: it imports nothing from Django, Celery or the
apps, and importing it loads neither (tests/nlp/test_purity.py, and the first import-linter
contract in pyproject.toml). The apps use it; it uses none of them."""
