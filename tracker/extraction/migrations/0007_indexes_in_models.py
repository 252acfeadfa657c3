"""The models now declare the indexes that earlier migrations made with raw SQL.

position_pair_latest (extraction 0002) and the trigram indexes on actor names and aliases
(dashboard 0002) exist already: only the migration state learns them.
"""

import django.contrib.postgres.indexes
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('extraction', '0006_mention_spans'),
        ('dashboard', '0002_search_indexes'),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=[
        migrations.AddIndex(
            model_name='actor',
            index=django.contrib.postgres.indexes.GinIndex(fields=['name'], name='actor_name_trgm', opclasses=['gin_trgm_ops']),
        ),
        migrations.AddIndex(
            model_name='actoralias',
            index=django.contrib.postgres.indexes.GinIndex(fields=['text'], name='actoralias_text_trgm', opclasses=['gin_trgm_ops']),
        ),
        migrations.AddIndex(
            model_name='position',
            index=models.Index(condition=models.Q(('review_status', 'rejected'), _negated=True), fields=['actor', 'proposal', '-timeline_date', '-id'], name='position_pair_latest'),
        ),
    ])]
