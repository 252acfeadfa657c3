"""ActorStance and StanceShift moved to the extraction app (its 0010 takes them over with their
tables as they are): the dashboard's state lets go of them, and the database is left alone."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0003_article_search_vector"),
        ("extraction", "0010_derived_tables_from_dashboard"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="StanceShift"),
                migrations.DeleteModel(name="ActorStance"),
            ],
        ),
    ]
