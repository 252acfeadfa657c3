"""Curator decisions on positions: confirm, reject, edit, one at a time or in bulk.

Every decision claims the row with ``UPDATE … WHERE version = N`` (optimistic
locking: a second curator working from the same version gets ``Conflict``),
then changes the row through its model methods and saves it through
``tracker.extraction.positions`` (django-simple-history records who changed
what), and moves the rules' precision counts.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from tracker.curation import learning
from tracker.extraction import positions
from tracker.extraction.models import Actor, Position, Proposal

# Fields a curator may correct; an edit to any of the first three says the machine was wrong.
EDITABLE = ("actor", "proposal", "stance", "stated_on")


class Conflict(Exception):
    """Somebody else changed the position since this curator loaded it."""

    def __init__(self, position: Position):
        self.position = position
        who = position.reviewed_by.get_username() if position.reviewed_by else "someone else"
        super().__init__(
            f"{who} changed this position while you were looking at it "
            f"(it is now {position.get_review_status_display().lower()}: "
            f"{position.actor} {position.get_stance_display().lower()} {position.proposal}). "
            "Your change was not saved; review it again."
        )


def _claim(position_id: int, version: int) -> Position:
    """Take the row at ``version`` (bumping it), or raise Conflict with the row as it is now."""
    claimed = Position.objects.filter(id=position_id).take(version)
    position = Position.objects.select_related("actor", "proposal", "article", "reviewed_by").get(
        id=position_id
    )
    if not claimed:
        raise Conflict(position)
    return position


def _decide(position_id: int, *, version: int, user, status: str) -> Position:
    with transaction.atomic():
        position = _claim(position_id, version)
        before = learning.verdict(position)
        position.decide(status, user=user)
        positions.save(position)
        learning.record(position.rules, before, learning.verdict(position))
    return position


def confirm(position_id: int, *, version: int, user) -> Position:
    return _decide(position_id, version=version, user=user, status=Position.Review.CONFIRMED)


def reject(position_id: int, *, version: int, user) -> Position:
    return _decide(position_id, version=version, user=user, status=Position.Review.REJECTED)


def edit(
    position_id: int,
    *,
    version: int,
    user,
    actor: Actor,
    proposal: Proposal,
    stance: str,
    stated_on: dt.date | None,
    personal: bool | None = None,
) -> Position | None:
    """Correct a position; the machine's version stays in ``original`` and the extraction key is kept.

    Returns None, and writes nothing, when nothing differs from the position as it is. Marking a
    statement personal (not spoken for the speaker's state or office) is not a correction of the
    machine: it keeps the position's origin and review status.
    """
    current = Position.objects.filter(id=position_id).values(
        "actor_id", "proposal_id", "stance", "stated_on", "personal"
    )[:1]
    current = current[0] if current else None
    corrected = current is None or (
        current["actor_id"],
        current["proposal_id"],
        current["stance"],
        current["stated_on"],
    ) != (actor.id, proposal.id, stance, stated_on)
    personal_changed = personal is not None and current and current["personal"] != personal
    if not corrected and not personal_changed:
        return None
    with transaction.atomic():
        position = _claim(position_id, version)
        before = learning.verdict(position)
        if personal is not None:
            position.personal = personal
        if corrected:
            position.correct(
                actor=actor, proposal=proposal, stance=stance, stated_on=stated_on, user=user
            )
        else:
            position.stamp(user)
        positions.save(position)
        learning.record(position.rules, before, learning.verdict(position))
    return position


def bulk(decision: str, versions: dict[int, int], *, user) -> tuple[list[Position], list[Conflict]]:
    """Confirm or reject many positions, each at the version the curator saw; conflicts are reported."""
    act = {"confirm": confirm, "reject": reject}[decision]
    done, conflicts = [], []
    for position_id, version in versions.items():
        try:
            done.append(act(position_id, version=version, user=user))
        except Conflict as conflict:
            conflicts.append(conflict)
        except Position.DoesNotExist:
            continue
    return done, conflicts


def save_from_admin(position: Position, *, changed: list[str], user, version: int | None) -> None:
    """A change made in the Position admin form: same locking, original kept, precision counted."""
    if position.pk is None:
        position.add_by_curator(user=user)
        with transaction.atomic():
            positions.save(position)
            learning.record(position.rules, None, learning.verdict(position))
        return
    with transaction.atomic():
        current = _claim(position.pk, position.version if version is None else version)
        before = learning.verdict(current)
        edited = set(changed)
        position.edit_in_admin(current, edited, corrected=bool(edited & set(EDITABLE)), user=user)
        positions.save(position)
        learning.record(position.rules, before, learning.verdict(position))
