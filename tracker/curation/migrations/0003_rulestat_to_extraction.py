"""RuleStat moved to the extraction app (its 0011 takes it over with its table as it is): the
curation app's state lets go of it, and the database is left alone."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("curation", "0002_role_groups"),
        ("extraction", "0011_rulestat_from_curation"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="RuleStat")],
        ),
    ]
