"""Keep the compiled matchers and the data files in step with the database."""

from __future__ import annotations


def catalogue_changed(sender, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    from tracker.extraction.models import CatalogueState

    CatalogueState.bump()


def load_catalogue_after_migrate(sender, using="default", **kwargs) -> None:
    """After every migrate (and every test flush) the proposals, actors and lexicons are present."""
    from tracker.extraction.catalogue import sync_data_files

    sync_data_files()
