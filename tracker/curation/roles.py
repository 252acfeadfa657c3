"""The three roles as Django groups: Analyst reads, Curator corrects, Admin does everything.

The data migration creates the groups; a post_migrate hook keeps them in step
(new models' permissions reach Admin, and a test flush does not lose them).
"""

from __future__ import annotations

from django.apps import apps as global_apps

ANALYST = "Analyst"
CURATOR = "Curator"
ADMIN = "Admin"

ANALYST_PERMISSIONS = [
    "extraction.view_position",
    "extraction.view_actor",
    "extraction.view_actoralias",
    "extraction.view_proposal",
    "ingestion.view_article",
    "ingestion.view_source",
    # Analysts also submit articles (issue 4 lets them).
    "ingestion.add_article",
]


def _crud(label: str, model: str, actions=("view", "add", "change", "delete")) -> list[str]:
    return [f"{label}.{action}_{model}" for action in actions]


CURATOR_PERMISSIONS = [
    *ANALYST_PERMISSIONS,
    "extraction.change_position",
    *_crud("extraction", "actor"),
    *_crud("extraction", "actoralias"),
    *_crud("extraction", "actorrole"),
    *_crud("extraction", "lexiconentry"),
    "extraction.change_proposal",
    "extraction.view_extractionrun",
    "ingestion.change_article",
    "extraction.view_rulestat",
    "curation.view_mergerecord",
    "curation.merge_actors",
    "curation.view_reextractionjob",
    "curation.add_reextractionjob",
]


def sync_groups(apps=None) -> None:
    """Create or update the groups; Analyst and Curator get exactly their lists, Admin every permission."""
    apps = apps or global_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def lookup(names: list[str]):
        wanted = {tuple(name.split(".")) for name in names}
        found = [
            p
            for p in Permission.objects.select_related("content_type").filter(
                codename__in=[codename for _, codename in wanted]
            )
            if (p.content_type.app_label, p.codename) in wanted
        ]
        return found

    for name, permissions in ((ANALYST, ANALYST_PERMISSIONS), (CURATOR, CURATOR_PERMISSIONS)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(lookup(permissions))
    admin, _ = Group.objects.get_or_create(name=ADMIN)
    admin.permissions.set(Permission.objects.all())


def sync_after_migrate(sender, apps=None, using="default", **kwargs) -> None:
    # Only once per migrate, after the last app: by then every app's permissions exist.
    with_models = [
        config for config in global_apps.get_app_configs() if config.models_module is not None
    ]
    if sender.name != with_models[-1].name:
        return
    sync_groups(apps)
