"""Indexes for the dashboard's queries on positions (raw SQL so the model stays untouched).

position_pair_latest serves the matrix "as of" LATERAL probe (latest visible
position of one actor on one proposal up to a date) and the per-pair rebuild
of the dashboard's ActorStance/StanceShift tables.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("extraction", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS position_pair_latest ON extraction_position "
            "(actor_id, proposal_id, timeline_date DESC, id DESC) WHERE review_status <> 'rejected'",
            "DROP INDEX IF EXISTS position_pair_latest",
        ),
    ]
