"""RuleStat, each rule's precision from curators' decisions, is kept with the rules, in
extraction, whose position writer reads it. Only the model moves: its table keeps its name (the
curation app's 0003 drops it from its state without touching the database), and its content type
moves with it so permissions granted on it are kept."""

from django.db import migrations, models


def move_content_type(old: str, new: str):
    def move(apps, schema_editor):
        content_types = apps.get_model("contenttypes", "ContentType").objects
        if not content_types.filter(app_label=new, model="rulestat").exists():
            content_types.filter(app_label=old, model="rulestat").update(app_label=new)

    return move


class Migration(migrations.Migration):
    dependencies = [
        ("extraction", "0010_derived_tables_from_dashboard"),
        ("curation", "0002_role_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RuleStat",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("rule", models.CharField(max_length=300, unique=True)),
                        ("confirmed", models.PositiveIntegerField(default=0)),
                        ("rejected", models.PositiveIntegerField(default=0)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        "db_table": "curation_rulestat",
                        "verbose_name": "rule precision",
                        "verbose_name_plural": "rule precision",
                        "ordering": ["rule"],
                    },
                ),
            ],
        ),
        migrations.RunPython(
            move_content_type("curation", "extraction"), move_content_type("extraction", "curation")
        ),
    ]
