"""Derived tables that keep the matrix and the shifts feed fast at a million positions.

Both are caches of ``Position`` rows, rebuilt per (actor, proposal) pair by
``tracker.dashboard.stances`` whenever a pair's positions change; nothing is
entered here by hand.
"""

from __future__ import annotations

from django.db import models

from tracker.extraction.models import Actor, Position, Proposal


class ActorStance(models.Model):
    """An actor's latest visible position on one proposal (one row per pair)."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="stances")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="stances")
    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="+")
    stance = models.CharField(max_length=12, choices=Position.Stance.choices)
    timeline_date = models.DateField()
    positions_count = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["actor", "proposal"], name="actorstance_one_per_pair")
        ]
        indexes = [models.Index(fields=["proposal", "stance"], name="actorstance_by_proposal")]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.stance} {self.proposal_id}"


class StanceShift(models.Model):
    """A change of stance between two consecutive visible positions of one actor on one proposal."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="shifts")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="shifts")
    before = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="+")
    after = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="+")
    from_stance = models.CharField(max_length=12, choices=Position.Stance.choices)
    to_stance = models.CharField(max_length=12, choices=Position.Stance.choices)
    timeline_date = models.DateField(help_text="Date of the position after the shift.")

    class Meta:
        ordering = ["-timeline_date", "-id"]
        indexes = [
            models.Index(fields=["-timeline_date", "-id"], name="shift_recent"),
            models.Index(fields=["actor", "-timeline_date"], name="shift_by_actor"),
            models.Index(fields=["proposal", "-timeline_date"], name="shift_by_proposal"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id}: {self.from_stance} → {self.to_stance} on {self.proposal_id}"
