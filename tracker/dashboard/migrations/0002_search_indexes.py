"""Full-text and trigram indexes for dashboard search, and a backfill.

Each article is indexed with the text-search configuration of its language
(partial GIN indexes, one per language) so a query is stemmed the same way as
the text it searches; Ukrainian and unknown text use "simple". Actor names and
aliases get trigram indexes for approximate matching.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

CONFIGS = {"ar": "arabic", "en": "english", "fr": "french", "de": "german", "ru": "russian"}
DOCUMENT = "(title || ' ' || text)"


def _statements():
    for code, config in CONFIGS.items():
        yield (
            f"CREATE INDEX IF NOT EXISTS article_fts_{code} ON ingestion_article "
            f"USING gin (to_tsvector('{config}'::regconfig, {DOCUMENT})) WHERE language = '{code}'",
            f"DROP INDEX IF EXISTS article_fts_{code}",
        )
    codes = ", ".join(f"'{c}'" for c in CONFIGS)
    yield (
        f"CREATE INDEX IF NOT EXISTS article_fts_simple ON ingestion_article "
        f"USING gin (to_tsvector('simple'::regconfig, {DOCUMENT})) WHERE language NOT IN ({codes})",
        "DROP INDEX IF EXISTS article_fts_simple",
    )
    yield (
        "CREATE INDEX IF NOT EXISTS actor_name_trgm ON extraction_actor USING gin (name gin_trgm_ops)",
        "DROP INDEX IF EXISTS actor_name_trgm",
    )
    yield (
        "CREATE INDEX IF NOT EXISTS actoralias_text_trgm ON extraction_actoralias USING gin (text gin_trgm_ops)",
        "DROP INDEX IF EXISTS actoralias_text_trgm",
    )


def forwards(apps, schema_editor):
    for create, _ in _statements():
        schema_editor.execute(create)


def backwards(apps, schema_editor):
    for _, drop in _statements():
        schema_editor.execute(drop)


def backfill(apps, schema_editor):
    from tracker.extraction.stances import REBUILD_SHIFTS, REBUILD_STANCES

    schema_editor.execute("DELETE FROM dashboard_stanceshift")
    schema_editor.execute("DELETE FROM dashboard_actorstance")
    schema_editor.execute(REBUILD_STANCES)
    schema_editor.execute(REBUILD_SHIFTS)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_initial"),
        ("ingestion", "0001_initial"),
        ("extraction", "0002_dashboard_indexes"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(forwards, backwards),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
