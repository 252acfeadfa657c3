"""Keep the compiled matchers and the data files in step with the database."""

from __future__ import annotations

from tracker.extraction.catalogue import sync_data_files
from tracker.extraction.models import CatalogueState


def catalogue_changed(sender, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    CatalogueState.bump()


def load_catalogue_after_migrate(sender, using="default", **kwargs) -> None:
    """After every migrate (and every test flush) the proposals, actors and lexicons are present."""
    sync_data_files()
