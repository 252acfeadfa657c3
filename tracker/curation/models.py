"""What curation adds: reversible actor merges, and background re-extraction jobs with their
progress. (How often curators agree with each rule, ``RuleStat``, is kept with the rules, in
``tracker.extraction.models``: curation records its decisions there.)"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class MergeRecord(models.Model):
    """One actor absorbed into another, with everything that moved, so the merge can be undone."""

    survivor = models.ForeignKey(
        "extraction.Actor", on_delete=models.PROTECT, related_name="merges_received"
    )
    absorbed_id = models.PositiveBigIntegerField(help_text="Primary key the absorbed actor had.")
    absorbed_name = models.CharField(max_length=200)
    # The absorbed actor's own fields, its moved and dropped rows, and the alias added for its name.
    snapshot = models.JSONField(default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(default=timezone.now)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at"]
        permissions = [("merge_actors", "Can merge actors and undo merges")]

    def __str__(self) -> str:
        return f"{self.absorbed_name} → {self.survivor}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None

    def moved(self, kind: str) -> list:
        return self.snapshot.get(kind, [])


class ReextractionJob(models.Model):
    """Re-running extraction over one article, a selection or everything, with its progress."""

    class Scope(models.TextChoices):
        ARTICLE = "article", "One article"
        SELECTION = "selection", "Selection"
        ALL = "all", "Every article"

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"

    scope = models.CharField(max_length=10, choices=Scope.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Re-extraction #{self.pk} ({self.get_scope_display()}, {self.done}/{self.total})"

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.done / self.total)

    def refresh_progress(self) -> None:
        """Recount from the items (idempotent: a redelivered task cannot count twice); finish when all are in."""
        counts = dict(
            self.items.values_list("state").annotate(n=models.Count("id")).values_list("state", "n")
        )
        finished = counts.get(ReextractionItem.State.DONE, 0) + counts.get(
            ReextractionItem.State.FAILED, 0
        )
        ReextractionJob.objects.filter(pk=self.pk).update(
            done=finished, failed=counts.get("failed", 0)
        )
        ReextractionJob.objects.filter(
            pk=self.pk, status=self.Status.RUNNING, total__lte=finished
        ).update(status=self.Status.DONE, finished_at=timezone.now())
        self.refresh_from_db(fields=["done", "failed", "status", "finished_at"])


class ReextractionItemQuerySet(models.QuerySet):
    """An item's state changes here: queued --claim--> running --finish--> done or failed;
    running --release--> queued (a transient error, for the task's retry)."""

    def claim(self) -> int:
        return self.filter(state=ReextractionItem.State.QUEUED).update(
            state=ReextractionItem.State.RUNNING
        )

    def release(self) -> int:
        return self.update(state=ReextractionItem.State.QUEUED)

    def finish(self, state: str) -> int:
        return self.update(state=state)


class ReextractionItem(models.Model):
    """One article of a job; a worker claims it with a conditional update, so each counts once."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    job = models.ForeignKey(ReextractionJob, on_delete=models.CASCADE, related_name="items")
    article = models.ForeignKey("ingestion.Article", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)

    objects = ReextractionItemQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "article"], name="reextraction_item_once")
        ]
        indexes = [models.Index(fields=["job", "state"], name="reextraction_item_state")]

    def __str__(self) -> str:
        return f"Article {self.article_id} in job {self.job_id} ({self.state})"
