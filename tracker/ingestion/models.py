"""Sources, articles and the runs that brought them in."""

from __future__ import annotations

import hashlib
import unicodedata

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models.functions import Concat
from django.utils import timezone
from simple_history.models import HistoricalRecords

from tracker.nlp.vocabulary import LANGUAGES, UNKNOWN_LANGUAGE

# An article's language: one the pipeline analyses, or "unknown".
LANGUAGE_CHOICES = [*LANGUAGES.items(), (UNKNOWN_LANGUAGE, "Unknown")]
# PostgreSQL text-search configurations (Snowball stemmers) by language; the rest use "simple".
SEARCH_CONFIGS = {"ar": "arabic", "en": "english", "fr": "french", "de": "german", "ru": "russian"}


class Source(models.Model):
    class Kind(models.TextChoices):
        FEED = "feed", "RSS/Atom feed"
        SITE = "site", "Web site"
        UPLOAD = "upload", "Upload"
        MANUAL = "manual", "Manual entry"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MANUAL)
    url = models.URLField(max_length=2000, blank=True)
    language = models.CharField(
        max_length=8,
        choices=LANGUAGE_CHOICES,
        blank=True,
        help_text="Leave blank to detect per article.",
    )
    active = models.BooleanField(default=True)
    poll_interval = models.PositiveIntegerField(
        default=60, help_text="Minutes between polls (feeds only)."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # What the last poll learnt: validators for the next conditional GET and how it went.
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_status = models.CharField(max_length=20, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords(
        excluded_fields=[
            "etag",
            "last_modified",
            "last_polled_at",
            "last_status",
            "last_error",
            "consecutive_failures",
        ]
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_failing(self) -> bool:
        return self.consecutive_failures >= settings.FEED_FAILING_AFTER

    # A feed's polling state changes only through these two, one conditional UPDATE each (a poll
    # never rewrites what an admin edits on the row at the same time).

    def record_poll_success(self, status: str, headers: dict[str, str]) -> None:
        """A poll that worked ("ok", "not modified"): keep the response's validators for the
        next conditional GET, and start the count of failures again."""
        lowered = {k.lower(): v for k, v in headers.items()}
        self.etag = lowered.get("etag", self.etag)[:500]
        self.last_modified = lowered.get("last-modified", self.last_modified)[:100]
        self.last_polled_at = timezone.now()
        self.last_status = status
        self.last_error = ""
        self.consecutive_failures = 0
        Source.objects.filter(id=self.id).update(
            etag=self.etag,
            last_modified=self.last_modified,
            last_polled_at=self.last_polled_at,
            last_status=status,
            last_error="",
            consecutive_failures=0,
        )

    def record_poll_failure(self, message: str) -> None:
        """A poll that failed: say why, and count it towards flagging the feed as failing."""
        self.last_polled_at = timezone.now()
        self.last_status = "failed"
        self.last_error = message[:2000]
        # The row counts atomically (two polls of one feed may fail at once); this copy follows.
        self.consecutive_failures += 1
        Source.objects.filter(id=self.id).update(
            last_polled_at=self.last_polled_at,
            last_status=self.last_status,
            last_error=self.last_error,
            consecutive_failures=models.F("consecutive_failures") + 1,
        )

    @property
    def periodic_task_name(self) -> str:
        return f"poll feed {self.pk}"


class IngestRunQuerySet(models.QuerySet):
    """A run's status changes here: queued --start--> running --finish | fail--> done | failed."""

    def start(self) -> int:
        return self.filter(status=IngestRun.Status.QUEUED).update(status=IngestRun.Status.RUNNING)

    def finish(self) -> int:
        return self.update(status=IngestRun.Status.DONE, finished_at=timezone.now())

    def fail(self, errors: list[dict]) -> int:
        return self.update(
            status=IngestRun.Status.FAILED, finished_at=timezone.now(), errors=errors
        )

    def close_if_done(self) -> bool:
        """Finish the open runs among these whose every item is in; one whose every item failed
        is a failed run (partial failures are listed on a done run)."""
        done = models.F("items_new") + models.F("items_duplicate") + models.F("items_failed")
        finished = (
            self.filter(status__in=[IngestRun.Status.QUEUED, IngestRun.Status.RUNNING])
            .alias(done=done)
            .filter(done__gte=models.F("items_seen"))
        )
        if not finished.finish():
            return False
        self.filter(items_failed__gte=models.F("items_seen"), items_seen__gt=0).update(
            status=IngestRun.Status.FAILED
        )
        return True


class IngestRun(models.Model):
    """One submission or poll, with what it saw and what went wrong."""

    class Kind(models.TextChoices):
        SEED = "seed", "Seed"
        FEED = "feed", "Feed poll"
        URL = "url", "URL"
        UPLOAD = "upload", "Uploaded file"
        PASTE = "paste", "Pasted text"
        BULK = "bulk", "Bulk file"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.SET_NULL)
    submitted = models.CharField(max_length=2000, blank=True, help_text="URL, file name or title.")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    items_seen = models.PositiveIntegerField(default=0)
    items_new = models.PositiveIntegerField(default=0)
    items_duplicate = models.PositiveIntegerField(default=0)
    items_failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The articles this run stored or found already stored (first few, for the status page).
    article_ids = models.JSONField(default=list, blank=True)

    SHOWN_ARTICLES = 50
    SHOWN_ERRORS = 200

    objects = IngestRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["-created_at"], name="ingestrun_recent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.submitted or ''} ({self.status})".strip()

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}


class PendingItemQuerySet(models.QuerySet):
    def claim(self, token, *, stale_before) -> int:
        """Take the items nobody holds (or whose holder died before ``stale_before``) with one
        conditional update, counting the attempt."""
        return self.filter(
            models.Q(claimed_at__isnull=True) | models.Q(claimed_at__lt=stale_before)
        ).update(claimed_at=timezone.now(), claim=token, attempts=models.F("attempts") + 1)

    def release(self) -> int:
        """Let go of claimed items, for any worker to take again."""
        return self.update(claimed_at=None, claim=None)


class PendingItem(models.Model):
    """One thing a run still has to ingest (a URL, a bulk line, an uploaded page), held in the
    database so that tasks carry ids only and a lost message loses nothing."""

    class Kind(models.TextChoices):
        ARTICLE = "article", "Article fields"
        URL = "url", "URL to fetch"
        HTML = "html", "HTML page"

    run = models.ForeignKey(IngestRun, on_delete=models.CASCADE, related_name="pending")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    position = models.PositiveIntegerField(
        default=0, help_text="Line or entry number, for error messages."
    )
    payload = models.JSONField()
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim = models.UUIDField(
        null=True, blank=True, db_index=True, help_text="Set by the worker that holds the item."
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = PendingItemQuerySet.as_manager()

    class Meta:
        ordering = ["run", "position", "id"]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.position}"


class StoryQuerySet(models.QuerySet):
    def lead_with(self, article: Article) -> int:
        """A new story's first article becomes the one the timeline shows."""
        return self.update(lead_article=article)

    def count_in(self, articles: int, sources: int) -> int:
        """Add articles (and the sources new to the story) to its counts, atomically."""
        return self.update(
            article_count=models.F("article_count") + articles,
            source_count=models.F("source_count") + sources,
            updated_at=timezone.now(),
        )


class Story(models.Model):
    """Articles that tell the same story (republished, syndicated, lightly edited), found by MinHash/LSH.

    ``article_count`` and ``source_count`` are kept up to date on insert, so the
    timeline can say "also reported by N sources" without counting.
    """

    lead_article = models.ForeignKey(
        "Article",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The first article of the story: the one the timeline shows.",
    )
    article_count = models.PositiveIntegerField(default=1)
    source_count = models.PositiveIntegerField(
        default=1, help_text="Distinct sources (articles without a source count once each)."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = StoryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "stories"
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"Story {self.pk} ({self.article_count} articles)"

    @property
    def other_sources(self) -> int:
        """How many other sources reported this story: the N of "also reported by N sources"."""
        return max(self.source_count - 1, 0)


def normalise_for_hash(text: str) -> str:
    """Canonical form used for the content hash: NFC, whitespace collapsed, casefolded."""
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise_for_hash(text).encode("utf-8")).hexdigest()


def search_document() -> models.Case:
    """An article's words for search, stemmed with its language's configuration."""
    words = Concat("title", models.Value(" "), "text", output_field=models.TextField())
    return models.Case(
        *(
            models.When(language=code, then=SearchVector(words, config=config))
            for code, config in SEARCH_CONFIGS.items()
        ),
        default=SearchVector(words, config="simple"),
        output_field=SearchVectorField(),
    )


class ArticleQuerySet(models.QuerySet):
    """An article's extraction state changes here and nowhere else:

    ingested --claim--> extracting --extracted--> extracted
                        extracting --release--> ingested (given back, to be claimed again)
    any state --fail--> failed;  any state but extracting --requeue--> ingested (attempts reset)
    """

    def stuck(self, older_than):
        """Articles waiting or extracting since before ``older_than``: the sweep re-queues them."""
        return self.filter(
            state__in=[Article.State.INGESTED, Article.State.EXTRACTING],
            state_changed_at__lt=older_than,
        )

    def claim(self) -> list[Article]:
        """Move the waiting articles among these to extracting and count the attempt. Rows another
        transaction holds are skipped, not waited for. Call inside a transaction."""
        articles = list(
            self.select_for_update(skip_locked=True)
            .filter(state=Article.State.INGESTED)
            .order_by("id")
        )
        if articles:
            Article.objects.filter(id__in=[a.id for a in articles]).update(
                state=Article.State.EXTRACTING,
                state_changed_at=timezone.now(),
                attempts=models.F("attempts") + 1,
            )
        return articles

    def release(self) -> int:
        """Give articles being extracted back to the queue (a transient failure, a lost worker)."""
        return self.filter(state=Article.State.EXTRACTING).update(
            state=Article.State.INGESTED, state_changed_at=timezone.now()
        )

    def extracted(self, extractor_version: str) -> int:
        return self.update(
            state=Article.State.EXTRACTED,
            state_changed_at=timezone.now(),
            last_error="",
            extractor_version=extractor_version,
        )

    def fail(self, error: str) -> int:
        """Mark failed with the reason an admin reads before retrying."""
        return self.update(
            state=Article.State.FAILED, state_changed_at=timezone.now(), last_error=error[:5000]
        )

    def requeue(self) -> list[int]:
        """Send articles back to extraction with a fresh count of attempts (a retry, a re-run);
        an article a worker is extracting right now is left to that worker. Returns the ids moved;
        queueing them is the caller's (``tracker.extraction.tasks.requeue``)."""
        ids = list(self.exclude(state=Article.State.EXTRACTING).values_list("id", flat=True))
        Article.objects.filter(id__in=ids).update(
            state=Article.State.INGESTED, state_changed_at=timezone.now(), attempts=0, last_error=""
        )
        return ids

    def touch(self) -> int:
        """Restart the waiting clock of articles the sweep queues again."""
        return self.update(state_changed_at=timezone.now())

    def link_uploaded_copies(self, fetched: Article) -> int:
        """Point the uploaded articles that claimed ``fetched``'s URL at it, now that a fetch
        confirmed what the URL says."""
        return self.filter(url=fetched.url, uploaded=True, fetched_copy__isnull=True).update(
            fetched_copy=fetched
        )


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    def get_queryset(self):
        # The search vector is as large as the text and only the search query reads it.
        return super().get_queryset().defer("search")


class Article(models.Model):
    class State(models.TextChoices):
        INGESTED = "ingested", "Ingested"
        EXTRACTING = "extracting", "Extracting"
        EXTRACTED = "extracted", "Extracted"
        FAILED = "failed", "Failed"

    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        db_index=False,  # article_source_story serves lookups by source
    )
    ingest_run = models.ForeignKey(
        IngestRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    url = models.URLField(  # noqa: DJ001 - NULL, so articles without a URL never collide
        max_length=2000,
        null=True,
        blank=True,
        help_text="Canonical URL (unique among fetched articles; an upload only claims it).",
    )
    title = models.CharField(max_length=1000)
    text = models.TextField()
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES, default="unknown")
    author = models.CharField(max_length=300, blank=True)
    published = models.DateField(null=True, blank=True)
    fetched_at = models.DateTimeField(default=timezone.now)
    content_hash = models.CharField(max_length=64, unique=True, editable=False)
    state = models.CharField(max_length=12, choices=State.choices, default=State.INGESTED)
    state_changed_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Extraction attempts so far.")
    last_error = models.TextField(blank=True)
    extractor_version = models.CharField(max_length=40, blank=True)
    story = models.ForeignKey(
        Story, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    # MinHash signature of the text's word shingles (see dedup.py); its LSH bands are MinHashBand rows.
    minhash = models.BinaryField(null=True, blank=True, editable=False)
    # Provenance: text a person supplied (upload, paste, bulk file) is not what its URL says
    # until a fetch of that URL confirms it; the fetched article is then linked here.
    uploaded = models.BooleanField(
        default=False,
        editable=False,
        help_text="The text was uploaded or pasted by a person, not fetched from its URL.",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    fetched_copy = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="uploaded_copies",
        editable=False,
        help_text="The article later fetched from this uploaded article's URL.",
    )
    # Computed by PostgreSQL when the row is written, so a search never runs to_tsvector().
    search = models.GeneratedField(
        expression=search_document(), output_field=SearchVectorField(), db_persist=True
    )

    objects = ArticleManager()

    class Meta:
        ordering = ["-published", "-fetched_at"]
        indexes = [
            models.Index(
                fields=["state_changed_at"],
                name="article_pending",
                condition=models.Q(state__in=["ingested", "extracting"]),
            ),
            models.Index(fields=["-published", "-id"], name="article_recent"),
            # "Has this story an article from this source yet?" is asked for every new article. The
            # only index on source answers it with one probe, whatever the planner's statistics
            # say about the source or the story (a bulk load outgrows them at once).
            models.Index(fields=["source", "story"], name="article_source_story"),
            models.Index(fields=["url"], name="article_url"),
            GinIndex(fields=["search"], name="article_search"),
        ]
        constraints = [
            # An upload may claim a URL that a fetch later fills with the real article.
            models.UniqueConstraint(
                fields=["url"], condition=models.Q(uploaded=False), name="article_fetched_url"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.content_hash:
            self.content_hash = content_hash(self.text)
        super().save(*args, **kwargs)

    def take_detected_language(self, language: str) -> None:
        """An article stored without a language takes the one extraction detected."""
        if self.language != UNKNOWN_LANGUAGE or language == UNKNOWN_LANGUAGE:
            return
        self.language = language
        Article.objects.filter(id=self.id).update(language=language)

    @property
    def direction(self) -> str:
        return "rtl" if self.language == "ar" else "ltr"

    @property
    def reference_date(self):
        """The date relative expressions in the text are resolved against."""
        return self.published or timezone.localdate(self.fetched_at)


class MinHashBand(models.Model):
    """One LSH band of an article's MinHash: articles sharing a band key are near-duplicate candidates."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bands")
    key = models.BigIntegerField()

    class Meta:
        # Shaped for the lookup: the newest articles holding one key.
        indexes = [models.Index(fields=["key", "-article"], name="minhashband_key_article")]

    def __str__(self) -> str:
        return f"{self.article_id}:{self.key}"
