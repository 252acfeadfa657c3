"""The article search vector moves into the model as a GeneratedField (``Article.search``).

It replaces the ``dashboard_search`` column and its index that dashboard's migration 0003 added
with raw SQL, invisible to the model; the new column computes the same vector.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ingestion', '0004_article_provenance'),
        ('dashboard', '0003_article_search_vector'),
    ]

    operations = [
        migrations.RunSQL(
            "DROP INDEX IF EXISTS article_dashboard_search; "
            "ALTER TABLE ingestion_article DROP COLUMN IF EXISTS dashboard_search",
            migrations.RunSQL.noop,
        ),
        migrations.AddField(
            model_name='article',
            name='search',
            field=models.GeneratedField(db_persist=True, expression=models.Case(models.When(language='ar', then=django.contrib.postgres.search.SearchVector(django.db.models.functions.text.Concat('title', models.Value(' '), 'text', output_field=models.TextField()), config='arabic')), models.When(language='en', then=django.contrib.postgres.search.SearchVector(django.db.models.functions.text.Concat('title', models.Value(' '), 'text', output_field=models.TextField()), config='english')), models.When(language='fr', then=django.contrib.postgres.search.SearchVector(django.db.models.functions.text.Concat('title', models.Value(' '), 'text', output_field=models.TextField()), config='french')), models.When(language='de', then=django.contrib.postgres.search.SearchVector(django.db.models.functions.text.Concat('title', models.Value(' '), 'text', output_field=models.TextField()), config='german')), models.When(language='ru', then=django.contrib.postgres.search.SearchVector(django.db.models.functions.text.Concat('title', models.Value(' '), 'text', output_field=models.TextField()), config='russian')), default=django.contrib.postgres.search.SearchVector(django.db.models.functions.text.Concat('title', models.Value(' '), 'text', output_field=models.TextField()), config='simple'), output_field=django.contrib.postgres.search.SearchVectorField()), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name='article',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search'], name='article_search'),
        ),
    ]
