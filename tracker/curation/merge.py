"""Merging two actors into one, and undoing it.

The absorbed actor's aliases, positions, children and roles move to the
survivor, its name becomes one of the survivor's aliases, and it is deleted.
A MergeRecord keeps what moved (and the rows dropped as duplicates), so
``undo_merge`` can put everything back. Positions move through
``tracker.extraction.positions``, which refreshes the derived tables; the
actor's own rows through ``Actor.absorb`` and ``Actor.give_back``. Positions,
aliases and children move through ``save()``, so django-simple-history records
each step.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tracker.alerts import matching
from tracker.curation.models import MergeRecord
from tracker.extraction import positions
from tracker.extraction.models import Actor, Position


class MergeRefused(ValueError):
    """A merge (or an undo) that would corrupt the catalogue."""


def check_merge(absorbed: Actor, survivor: Actor) -> None:
    if absorbed.pk == survivor.pk:
        raise MergeRefused("An actor cannot be merged into itself.")
    ancestor, seen = survivor.parent, set()
    while ancestor is not None and ancestor.pk not in seen:
        if ancestor.pk == absorbed.pk:
            raise MergeRefused(
                f"{survivor} belongs to {absorbed}; merging {absorbed} into it would make a cycle of parents."
            )
        seen.add(ancestor.pk)
        ancestor = ancestor.parent


def _rekey(key: str | None, old_id: int, new_id: int) -> str | None:
    prefix = f"{old_id}/"
    return f"{new_id}/{key[len(prefix) :]}" if key and key.startswith(prefix) else key


def _as_user(instance, user):
    instance._history_user = user
    return instance


@transaction.atomic
def merge_actors(*, absorbed: Actor, survivor: Actor, user=None) -> MergeRecord:
    # Lock both rows so two curators cannot merge crosswise at the same time.
    locked = {
        a.pk: a for a in Actor.objects.select_for_update().filter(pk__in=[absorbed.pk, survivor.pk])
    }
    if len(locked) < 2 and absorbed.pk != survivor.pk:
        raise MergeRefused("One of these actors no longer exists.")
    absorbed, survivor = locked[absorbed.pk], locked[survivor.pk]
    check_merge(absorbed, survivor)
    snapshot: dict = {
        "actor": {
            "name": absorbed.name,
            "kind": absorbed.kind,
            "parent_id": absorbed.parent_id,
            "country": absorbed.country,
            "origin": absorbed.origin,
            "created_at": absorbed.created_at.isoformat(),
        },
        "positions": {},
    }
    taken = set(Position.objects.filter(actor=survivor).values_list("article_id", "extraction_key"))
    moved = []
    for position in absorbed.positions.select_related("proposal"):
        old_key = position.extraction_key
        new_key = _rekey(old_key, absorbed.pk, survivor.pk)
        # Re-keyed, re-extraction recognises the position as the survivor's and never duplicates it.
        if (position.article_id, new_key) not in taken:
            position.extraction_key = new_key
            taken.add((position.article_id, new_key))
        position.actor = survivor
        position.version += 1
        moved.append(_as_user(position, user))
        snapshot["positions"][str(position.pk)] = old_key
    positions.save(*moved)
    # Aliases, children and roles; the absorbed name keeps matching, now as the survivor.
    snapshot.update(survivor.absorb(absorbed, user=user))
    record = MergeRecord.objects.create(
        survivor=survivor,
        absorbed_id=absorbed.pk,
        absorbed_name=absorbed.name,
        snapshot=snapshot,
        merged_by=user,
    )
    # Watchlists follow the actor they watched into the survivor before its keys go with it.
    matching.actor_merged(absorbed.pk, survivor.pk)
    _as_user(absorbed, user).delete()
    return record


@transaction.atomic
def undo_merge(record: MergeRecord, *, user=None) -> Actor:
    record = MergeRecord.objects.select_for_update().get(pk=record.pk)
    if record.is_undone:
        raise MergeRefused("This merge was already undone.")
    if (
        Actor.objects.filter(pk=record.absorbed_id).exists()
        or Actor.objects.filter(name=record.absorbed_name).exists()
    ):
        raise MergeRefused(
            f"An actor named {record.absorbed_name} exists again; merge or rename it before undoing."
        )
    survivor = Actor.objects.select_for_update().get(pk=record.survivor_id)
    fields = record.snapshot["actor"]
    parent_id = (
        fields["parent_id"] if Actor.objects.filter(pk=fields["parent_id"]).exists() else None
    )
    restored = _as_user(
        Actor(
            pk=record.absorbed_id,
            name=fields["name"],
            kind=fields["kind"],
            parent_id=parent_id,
            country=fields["country"],
            origin=fields["origin"],
            created_at=dt.datetime.fromisoformat(fields["created_at"]),
        ),
        user,
    )
    restored.save(force_insert=True)
    survivor.give_back(restored, record.snapshot, user=user)
    old_keys = (
        {int(pk): key for pk, key in record.moved("positions").items()}
        if record.moved("positions")
        else {}
    )
    moved = list(Position.objects.filter(pk__in=old_keys, actor=survivor))
    for position in moved:
        position.actor = restored
        position.extraction_key = old_keys[position.pk]
        position.version += 1
        _as_user(position, user)
    positions.save(*moved)
    record.undone_at = timezone.now()
    record.undone_by = user
    record.save(update_fields=["undone_at", "undone_by"])
    # The restored actor's children are its own again; watchlists moved to the survivor stay there.
    matching.rebuild_all_keys()
    return restored
