"""ActorStance and StanceShift, derived from positions, belong to extraction, which writes
positions. Only the models move: their tables, indexes and constraints keep their names (the
dashboard app's 0004 drops them from its state without touching the database), and their content
types move with them so permissions granted on them are kept."""

import django.db.models.deletion
from django.db import migrations, models

STANCES = [("support", "Supports"), ("oppose", "Opposes"), ("considering", "Considering")]
MOVED = ["actorstance", "stanceshift"]


def move_content_types(old: str, new: str):
    def move(apps, schema_editor):
        content_types = apps.get_model("contenttypes", "ContentType").objects
        for model in MOVED:
            if not content_types.filter(app_label=new, model=model).exists():
                content_types.filter(app_label=old, model=model).update(app_label=new)

    return move


class Migration(migrations.Migration):
    dependencies = [
        ("extraction", "0009_position_date_approximate"),
        ("dashboard", "0003_article_search_vector"),
        ("contenttypes", "0002_remove_content_type_name"),
        # Curation's 0002 creates the content types of every model the state knows: run after it,
        # not between this and the dashboard's 0004, when both apps would have the models.
        ("curation", "0002_role_groups"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ActorStance",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("stance", models.CharField(choices=STANCES, max_length=12)),
                        ("timeline_date", models.DateField()),
                        ("positions_count", models.PositiveIntegerField(default=1)),
                        ("actor", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="stances", to="extraction.actor")),
                        ("position", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="extraction.position")),
                        ("proposal", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="stances", to="extraction.proposal")),
                    ],
                    options={
                        "db_table": "dashboard_actorstance",
                        "indexes": [models.Index(fields=["proposal", "stance"], name="actorstance_by_proposal")],
                        "constraints": [models.UniqueConstraint(fields=("actor", "proposal"), name="actorstance_one_per_pair")],
                    },
                ),
                migrations.CreateModel(
                    name="StanceShift",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("from_stance", models.CharField(choices=STANCES, max_length=12)),
                        ("to_stance", models.CharField(choices=STANCES, max_length=12)),
                        ("timeline_date", models.DateField(help_text="Date of the position after the shift.")),
                        ("actor", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="shifts", to="extraction.actor")),
                        ("after", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="extraction.position")),
                        ("before", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="extraction.position")),
                        ("proposal", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="shifts", to="extraction.proposal")),
                    ],
                    options={
                        "db_table": "dashboard_stanceshift",
                        "ordering": ["-timeline_date", "-id"],
                        "indexes": [
                            models.Index(fields=["-timeline_date", "-id"], name="shift_recent"),
                            models.Index(fields=["actor", "-timeline_date"], name="shift_by_actor"),
                            models.Index(fields=["proposal", "-timeline_date"], name="shift_by_proposal"),
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(
            move_content_types("dashboard", "extraction"), move_content_types("extraction", "dashboard")
        ),
    ]
