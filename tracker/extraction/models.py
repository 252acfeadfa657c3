"""Actors, their aliases, proposals, lexicon entries, positions and what is derived from them.

The catalogue and the lexicons are loaded from versioned files under
``tracker/nlp/data/`` and stay editable in admin; positions are what the
pipeline extracts and curators review; each actor's latest stance and the
shifts between stances are derived from the positions, where each state or
body stands counting its officials from the positions and the roles, and each
rule's precision from curators' decisions on them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from simple_history.models import HistoricalRecords

from tracker.core.db import bulk_insert
from tracker.nlp import vocabulary
from tracker.nlp.normalize import fold

PROPOSAL_KINDS = list(vocabulary.PROPOSAL_KINDS.items())
LANGUAGE_CHOICES = list(vocabulary.LANGUAGES.items())


class Origin(models.TextChoices):
    """Where a catalogue or lexicon row came from; curator rows are never overwritten by a reload."""

    DATA = "data", "Data file"
    CURATOR = "curator", "Curator"


class Actor(models.Model):
    class Kind(models.TextChoices):
        STATE = "state", "State"
        GOVERNMENT_BODY = "government_body", "Government body"
        INTERNATIONAL_ORG = "international_org", "International organisation"
        ALLIANCE = "alliance", "Alliance or coalition"
        PERSON = "person", "Person"
        PARTY = "party", "Party"
        ARMED_FORCE = "armed_force", "Armed force"
        GROUP = "group", "Group"

    name = models.CharField(max_length=200, unique=True, help_text="Canonical English name.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code.")
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.CURATOR)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        # Actor search: ILIKE and word similarity (pg_trgm).
        indexes = [GinIndex(fields=["name"], name="actor_name_trgm", opclasses=["gin_trgm_ops"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        ancestor = self.parent
        seen = set()
        while ancestor is not None:
            if ancestor.pk == self.pk or ancestor.pk in seen:
                raise ValidationError({"parent": "This parent would make a cycle of parents."})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent

    # An actor's own rows in a merge (``tracker.curation.merge``, which moves the positions through
    # the position writer and keeps what these return in its record). Every alias and child moves
    # through ``save()``, so its history says who moved it.

    @transaction.atomic
    def absorb(self, other: Actor, *, user=None) -> dict:
        """Take over ``other``'s aliases, children and roles, and its name as an alias (it keeps
        matching, now as this actor). An alias (text, language) or a role (office, start) this
        actor already has is dropped instead. Returns what moved and what was dropped, as
        ``give_back`` takes it back; the standings ``other``'s roles decide are refreshed."""
        moved: dict = {
            "aliases": [],
            "dropped_aliases": [],
            "children": [],
            "roles": [],
            "dropped_roles": [],
            "name_alias": None,
        }
        mine = set(self.aliases.values_list("text", "language"))
        for alias in other.aliases.all():
            if (alias.text, alias.language) in mine:
                moved["dropped_aliases"].append(
                    {
                        "text": alias.text,
                        "language": alias.language,
                        "strength": alias.strength,
                        "origin": alias.origin,
                    }
                )
                _by(alias, user).delete()
            else:
                alias.actor = self
                _by(alias, user).save()
                moved["aliases"].append(alias.pk)
        for child in other.children.all():
            child.parent = self
            _by(child, user).save()
            moved["children"].append(child.pk)
        my_roles = set(self.roles.values_list("office", "start"))
        roles = list(other.roles.all())
        dropped = []
        for role in roles:
            if (role.office, role.start) in my_roles:
                moved["dropped_roles"].append(
                    {"office": role.office, "start": _iso(role.start), "end": _iso(role.end)}
                )
                dropped.append(role.pk)
            else:
                moved["roles"].append(role.pk)
        ActorRole.objects.filter(pk__in=dropped).delete()
        ActorRole.objects.filter(pk__in=moved["roles"]).update(actor=self)
        ActorStanding.objects.refresh_actors(role.speaks_for_id for role in roles)
        if not self.aliases.filter(text=other.name).exists():
            name_alias = _by(
                ActorAlias(actor=self, text=other.name, language="", origin=Origin.CURATOR), user
            )
            name_alias.save()
            moved["name_alias"] = name_alias.pk
        return moved

    @transaction.atomic
    def give_back(self, other: Actor, moved: dict, *, user=None) -> None:
        """Undo ``absorb``: return to ``other`` (saved again under its old id) the rows in
        ``moved`` that this actor still has, make again the ones that were dropped, and remove the
        alias made of its name."""
        if moved.get("name_alias"):
            for alias in self.aliases.filter(pk=moved["name_alias"]):
                _by(alias, user).delete()
        for alias in self.aliases.filter(pk__in=moved.get("aliases", [])):
            alias.actor = other
            _by(alias, user).save()
        for dropped in moved.get("dropped_aliases", []):
            _by(ActorAlias(actor=other, **dropped), user).save()
        for child in self.children.filter(pk__in=moved.get("children", [])):
            child.parent = other
            _by(child, user).save()
        self.roles.filter(pk__in=moved.get("roles", [])).update(actor=other)
        for dropped in moved.get("dropped_roles", []):
            ActorRole.objects.get_or_create(
                actor=other,
                office=dropped["office"],
                start=dropped["start"],
                defaults={"end": dropped["end"]},
            )
        ActorStanding.objects.refresh_actors(other.roles.values_list("speaks_for_id", flat=True))


def _by(instance, user):
    """``instance``, with ``user`` as who changed it in the history row its save records."""
    instance._history_user = user
    return instance


def _iso(value):
    return value.isoformat() if value else None


class ActorAlias(models.Model):
    class Strength(models.TextChoices):
        STRONG = "strong", "Always matches"
        WEAK = "weak", "Matches only after the actor was named"

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")
    text = models.CharField(max_length=200)
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES, blank=True)
    normalized = models.CharField(max_length=200, db_index=True, editable=False)
    strength = models.CharField(max_length=6, choices=Strength.choices, default=Strength.STRONG)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.CURATOR)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "actor aliases"
        indexes = [
            GinIndex(fields=["text"], name="actoralias_text_trgm", opclasses=["gin_trgm_ops"])
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "text", "language"], name="alias_unique_per_actor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.text} ({self.language or 'any'})"

    def save(self, *args, **kwargs):
        self.normalized = fold(self.text)[:200]
        super().save(*args, **kwargs)


class ActorRole(models.Model):
    """An office an actor held, bounded in time, and whom the holder spoke for while in it.

    A head of state or government, a foreign or a defence minister speaks for the
    state; a spokesperson for their office; a head of an organisation for the
    organisation. Their positions between ``start`` and ``end`` count as the
    positions of ``speaks_for`` (see ``ActorStanding``).

    ``save()`` and ``delete()`` refresh the standings of whom the role spoke for before and
    speaks for after; code that changes roles in bulk (the catalogue loader, a merge) calls
    ``ActorStanding.objects.refresh_actors`` itself. Deleting an actor needs no refresh: an actor
    with positions cannot be deleted, so its roles decided nothing.
    """

    class Capacity(models.TextChoices):
        HEAD_OF_STATE = "head_of_state", "Head of state"
        HEAD_OF_GOVERNMENT = "head_of_government", "Head of government"
        FOREIGN_MINISTER = "foreign_minister", "Foreign minister"
        DEFENCE_MINISTER = "defence_minister", "Defence minister"
        HEAD_OF_ORGANISATION = "head_of_organisation", "Head of an organisation"
        SPOKESPERSON = "spokesperson", "Spokesperson"
        OTHER = "other", "Speaks for nobody but themselves"

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="roles")
    office = models.CharField(max_length=200)
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    capacity = models.CharField(
        max_length=20,
        choices=Capacity.choices,
        blank=True,
        help_text="Blank until the catalogue loader classifies the office; yours is kept.",
    )
    speaks_for = models.ForeignKey(
        Actor,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="spokespeople",
        help_text="The state or body whose position this office states.",
    )

    class Meta:
        ordering = ["actor", "start"]
        constraints = [
            models.UniqueConstraint(fields=["actor", "office", "start"], name="role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.actor}: {self.office}"

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic():
            before = (
                ActorRole.objects.filter(pk=self.pk).values_list("speaks_for_id", flat=True).first()
                if self.pk
                else None
            )
            super().save(*args, **kwargs)
            ActorStanding.objects.refresh_actors([before, self.speaks_for_id])

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            deleted = super().delete(*args, **kwargs)
            ActorStanding.objects.refresh_actors([self.speaks_for_id])
        return deleted


class Proposal(models.Model):
    kind = models.CharField(max_length=30, choices=PROPOSAL_KINDS, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class LexiconEntry(models.Model):
    """A word or phrase the pipeline looks for: a proposal paraphrase, a stance cue, a negation…"""

    Category = models.TextChoices(
        "Category",
        [(code.upper(), (code, label)) for code, label in vocabulary.LEXICON_CATEGORIES.items()],
    )

    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES)
    category = models.CharField(max_length=20, choices=Category.choices)
    proposal_kind = models.CharField(max_length=30, choices=PROPOSAL_KINDS, blank=True)
    text = models.CharField(max_length=200)
    weight = models.FloatField(default=1.0)
    active = models.BooleanField(default=True)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.CURATOR)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "lexicon entries"
        ordering = ["language", "category", "text"]
        constraints = [
            models.UniqueConstraint(
                fields=["language", "category", "proposal_kind", "text"],
                name="lexicon_unique_entry",
            )
        ]

    def __str__(self) -> str:
        return f"{self.language}:{self.category}:{self.text}"


class PositionQuerySet(models.QuerySet):
    def visible(self):
        """What analysts see: everything but rejected positions."""
        return self.exclude(review_status=Position.Review.REJECTED)

    def take(self, version: int) -> int:
        """Optimistic locking: bump the version of the row still at ``version`` (1), or change
        nothing when somebody changed it first (0)."""
        return self.filter(version=version).update(version=models.F("version") + 1)


class Position(models.Model):
    Stance = models.TextChoices(
        "Stance",
        [(code.upper(), (code, words.label)) for code, words in vocabulary.STANCES.items()],
    )

    class Origin(models.TextChoices):
        EXTRACTED = "extracted", "Extracted"
        CURATED = "curated", "Curated"

    class Review(models.TextChoices):
        UNREVIEWED = "unreviewed", "Unreviewed"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Rejected"

    article = models.ForeignKey(
        "ingestion.Article", on_delete=models.CASCADE, related_name="positions"
    )
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="positions")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="positions")
    stance = models.CharField(max_length=12, choices=Stance.choices)
    evidence = models.TextField(help_text="The clause that carries the position.")
    start = models.PositiveIntegerField(help_text="Offset of the evidence in the article text.")
    end = models.PositiveIntegerField()
    spans = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="The mentions the extractor built it from: [start, end, kind, name, rule] "
        "with kind actor, proposal, cue, negation, modality or past.",
    )
    sentence = models.TextField(blank=True, help_text="The whole sentence around the evidence.")
    stated_on = models.DateField(null=True, blank=True, help_text="When it was stated, if known.")
    is_past = models.BooleanField(default=False, help_text="Reported as an earlier statement.")
    date_approximate = models.BooleanField(
        default=False,
        help_text="The article has no publication date: its date is reckoned from when it was "
        "ingested.",
    )
    timeline_date = models.DateField(help_text="Date used to order the timeline.")
    confidence = models.FloatField(default=0.5)
    rules = models.JSONField(
        default=list, blank=True, help_text="Rules and lexicon entries that fired."
    )
    why = models.JSONField(
        default=list,
        blank=True,
        help_text="The learned model's strongest features for this position: [name, weight] pairs.",
    )
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.EXTRACTED)
    personal = models.BooleanField(
        default=False,
        help_text="A curator judged this a personal view: it does not count for the state or body "
        "the speaker holds office in.",
    )
    review_status = models.CharField(
        max_length=10, choices=Review.choices, default=Review.UNREVIEWED
    )
    extractor_version = models.CharField(max_length=40, blank=True)
    # Identity of the extraction this row came from; kept through edits so that
    # re-extraction never duplicates or resurrects a curated position. NULL (not "")
    # for positions curators create, so the unique constraint leaves them alone.
    extraction_key = models.CharField(max_length=120, null=True, blank=True, editable=False)  # noqa: DJ001
    original = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="The extraction before a curator edited it.",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Bumped on every edit (optimistic locking)."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "spans"])

    objects = PositionQuerySet.as_manager()

    class Meta:
        ordering = ["-timeline_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "extraction_key"], name="position_extracted_once"
            ),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="position_span_order"
            ),
        ]
        indexes = [
            models.Index(fields=["-timeline_date", "-id"], name="position_timeline"),
            models.Index(fields=["proposal", "-timeline_date", "-id"], name="position_by_proposal"),
            models.Index(fields=["actor", "-timeline_date", "-id"], name="position_by_actor"),
            # The latest visible position of a pair up to a date: matrix "as of", actor pages,
            # the derived tables' refresh.
            models.Index(
                fields=["actor", "proposal", "-timeline_date", "-id"],
                name="position_pair_latest",
                condition=~models.Q(review_status="rejected"),
            ),
            # The same for positions that count for the state or body an official spoke for
            # (see tracker.dashboard.rollup): the actor page counts them from the index alone.
            models.Index(
                fields=["actor", "proposal", "-timeline_date", "-id"],
                name="position_pair_official",
                condition=~models.Q(review_status="rejected") & models.Q(personal=False),
            ),
            models.Index(
                fields=["confidence"],
                name="position_review_queue",
                condition=models.Q(review_status="unreviewed"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor} {self.stance} {self.proposal.kind}"

    @property
    def is_curated(self) -> bool:
        """A person created, confirmed, rejected or edited it: the machine may no longer replace it."""
        return self.origin == self.Origin.CURATED or self.review_status != self.Review.UNREVIEWED

    # A curator's changes, made on the instance; ``tracker.extraction.positions.save`` writes them.

    def stamp(self, user) -> None:
        """Record who decided, and when (also in the history row)."""
        self.reviewed_by = user
        self.reviewed_at = timezone.now()
        self._history_user = user

    def add_by_curator(self, *, user) -> None:
        """A position a curator added by hand."""
        self.origin = self.Origin.CURATED
        self.stamp(user)

    def edit_in_admin(self, current: Position, changed: set[str], *, corrected: bool, user) -> None:
        """A change made in the admin form over ``current``, the row as locked. A correction keeps
        the machine's original, makes the position curated and confirms an unreviewed one; a new
        statement date moves it on the timeline unless the form moved it too."""
        if corrected:
            self.keep_original(current)
            self.origin = self.Origin.CURATED
            if "stated_on" in changed and "timeline_date" not in changed:
                self.timeline_date = self.stated_on or current.article.reference_date
            if self.review_status == self.Review.UNREVIEWED:
                self.review_status = self.Review.CONFIRMED
        self.version = current.version
        if changed:
            self.stamp(user)

    def decide(self, status: str, *, user) -> None:
        """Confirm or reject."""
        self.review_status = status
        self.stamp(user)

    def correct(self, *, actor: Actor, proposal: Proposal, stance: str, stated_on, user) -> None:
        """A curator's correction: the machine's version is kept in ``original`` and the extraction
        key stays, so re-extraction recognises the position and leaves it alone."""
        self.keep_original()
        self.actor = actor
        self.proposal = proposal
        self.stance = stance
        self.stated_on = stated_on
        self.timeline_date = stated_on or self.article.reference_date
        self.date_approximate = not stated_on and self.article.published is None
        self.origin = self.Origin.CURATED
        self.review_status = self.Review.CONFIRMED
        self.stamp(user)

    def keep_original(self, before: Position | None = None) -> None:
        """Keep the extraction as the machine left it (``before``, by default this row as loaded)
        beside a curator's first correction; later corrections keep that first original."""
        before = before or self
        if before.original is None and before.origin == self.Origin.EXTRACTED:
            self.original = before.snapshot()

    def snapshot(self) -> dict:
        return {
            "actor_id": self.actor_id,
            "actor": self.actor.name,
            "proposal": self.proposal.kind,
            "stance": self.stance,
            "stated_on": self.stated_on.isoformat() if self.stated_on else None,
            "timeline_date": self.timeline_date.isoformat(),
            "confidence": self.confidence,
            "extractor_version": self.extractor_version,
        }

    @staticmethod
    def key_for(actor_id: int, proposal_kind: str, stance: str) -> str:
        return f"{actor_id}/{proposal_kind}/{stance}"


# --- Derived from positions -------------------------------------------------------------
# Caches of ``Position`` rows that keep the matrix, the actor pages and the shifts feed fast at a
# million positions, rebuilt per (actor, proposal) pair by ``tracker.extraction.stances`` whenever
# ``tracker.extraction.positions`` changes a pair's positions; nothing is entered by hand.
# ActorStance and StanceShift keep the table names they were created with in the dashboard app.


class ActorStance(models.Model):
    """An actor's latest visible position on one proposal (one row per pair)."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="stances")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="stances")
    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="+")
    stance = models.CharField(max_length=12, choices=Position.Stance.choices)
    timeline_date = models.DateField()
    positions_count = models.PositiveIntegerField(default=1)

    class Meta:
        db_table = "dashboard_actorstance"
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
        db_table = "dashboard_stanceshift"
        ordering = ["-timeline_date", "-id"]
        indexes = [
            models.Index(fields=["-timeline_date", "-id"], name="shift_recent"),
            models.Index(fields=["actor", "-timeline_date"], name="shift_by_actor"),
            models.Index(fields=["proposal", "-timeline_date"], name="shift_by_proposal"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id}: {self.from_stance} → {self.to_stance} on {self.proposal_id}"


# The latest visible position of actor ``{actor}`` on proposal ``{proposal}`` up to ``{as_of}``
# (SQL expressions), its own or one an official stated while in a role that speaks for it and did
# not mark personal, as the lateral row ``p`` with the columns ``{columns}``: one LIMIT 1 probe on
# position_pair_latest and one per such role on position_pair_official. ``ActorStanding`` keeps
# it for today; the dashboard probes it "as of" a date.
STANDING_LATEST = """
CROSS JOIN LATERAL (
    SELECT * FROM (
        (SELECT {columns} FROM extraction_position
         WHERE actor_id = {actor} AND proposal_id = {proposal} AND timeline_date <= {as_of}
           AND review_status <> 'rejected'
         ORDER BY timeline_date DESC, id DESC LIMIT 1)
        UNION ALL
        (SELECT q.* FROM extraction_actorrole r
         CROSS JOIN LATERAL (
            SELECT {columns} FROM extraction_position
            WHERE actor_id = r.actor_id AND proposal_id = {proposal}
              AND timeline_date <= LEAST({as_of}, COALESCE(r."end", 'infinity'::date))
              AND timeline_date >= COALESCE(r.start, '-infinity'::date)
              AND NOT personal AND review_status <> 'rejected'
            ORDER BY timeline_date DESC, id DESC LIMIT 1
         ) q
         WHERE r.speaks_for_id = {actor} AND r.actor_id <> {actor})
    ) own_or_official
    ORDER BY timeline_date DESC, id DESC LIMIT 1
) p
"""

_STANDING_PAIRS = (
    "SELECT DISTINCT a, p FROM unnest(%(actors)s::bigint[], %(proposals)s::bigint[]) AS t(a, p)"
)

# How many visible positions officials stated for actor ``{actor}`` on proposal ``{proposal}``
# while in a role that speaks for it, not marked personal: a range of position_pair_official per
# role, read from the index alone; a position two roles cover counts once.
OFFICIAL_COUNT = """
SELECT COUNT(DISTINCT q.id) FROM extraction_actorrole r
JOIN extraction_position q ON q.actor_id = r.actor_id AND q.proposal_id = {proposal}
 AND q.review_status <> 'rejected' AND NOT q.personal
 AND q.timeline_date >= COALESCE(r.start, '-infinity'::date)
 AND q.timeline_date <= COALESCE(r."end", 'infinity'::date)
WHERE r.speaks_for_id = {actor} AND r.actor_id <> {actor}
"""

_STANDING_NOW = STANDING_LATEST.format(
    actor="pairs.a",
    proposal="pairs.p",
    as_of="'infinity'::date",
    columns="id, actor_id, stance, timeline_date, stated_on, is_past, date_approximate",
)

# Write the standings of the CTE ``latest``, leaving rows that are already right alone.
_UPSERT_STANDINGS = """
INSERT INTO extraction_actorstanding AS s (actor_id, proposal_id, position_id, speaker_id, stance,
                                           timeline_date, stated_on, is_past, date_approximate,
                                           official_count)
SELECT actor_id, proposal_id, position_id, speaker_id, stance, timeline_date, stated_on, is_past,
       date_approximate, official_count
FROM latest ORDER BY actor_id, proposal_id
ON CONFLICT (actor_id, proposal_id) DO UPDATE SET
  position_id = EXCLUDED.position_id, speaker_id = EXCLUDED.speaker_id, stance = EXCLUDED.stance,
  timeline_date = EXCLUDED.timeline_date, stated_on = EXCLUDED.stated_on, is_past = EXCLUDED.is_past,
  date_approximate = EXCLUDED.date_approximate, official_count = EXCLUDED.official_count
WHERE (s.position_id, s.speaker_id, s.stance, s.timeline_date, s.stated_on, s.is_past, s.date_approximate,
       s.official_count)
  IS DISTINCT FROM (EXCLUDED.position_id, EXCLUDED.speaker_id, EXCLUDED.stance, EXCLUDED.timeline_date,
                    EXCLUDED.stated_on, EXCLUDED.is_past, EXCLUDED.date_approximate,
                    EXCLUDED.official_count)
"""

# Each pair's standing now, from its positions and roles.
REFRESH_STANDINGS = f"""
WITH pairs AS ({_STANDING_PAIRS}),
latest AS (
  SELECT pairs.a AS actor_id, pairs.p AS proposal_id, p.id AS position_id, p.actor_id AS speaker_id,
         p.stance, p.timeline_date, p.stated_on, p.is_past, p.date_approximate,
         ({OFFICIAL_COUNT.format(actor="pairs.a", proposal="pairs.p")}) AS official_count
  FROM pairs {_STANDING_NOW}
),
gone AS (
  DELETE FROM extraction_actorstanding s
  WHERE s.actor_id = ANY(%(actors)s::bigint[])
    AND EXISTS (SELECT 1 FROM pairs WHERE pairs.a = s.actor_id AND pairs.p = s.proposal_id)
    AND NOT EXISTS (SELECT 1 FROM latest l WHERE l.actor_id = s.actor_id AND l.proposal_id = s.proposal_id)
)
{_UPSERT_STANDINGS}"""  # noqa: S608 - constant SQL, values in params

# The standings after the positions %(added)s were bulk-created, when they are the only change
# since the table was last right (an extraction batch): no pair loses a position, so each pair
# the new positions count for (their actors', and whom their actors' roles spoke for on their
# dates, unless personal) stands on the latest of its current position and the new ones, and its
# officials' count goes up by the new officials' ones. Reads only the new positions and the rows
# they change.
REFRESH_STANDINGS_ADDED = f"""
WITH added AS MATERIALIZED (
  SELECT id, actor_id, proposal_id, stance, timeline_date, stated_on, is_past, date_approximate,
         personal
  FROM extraction_position WHERE id = ANY(%(added)s::bigint[]) AND review_status <> 'rejected'
),
counted AS (
  SELECT q.actor_id, q.proposal_id, q.id, q.actor_id AS speaker_id, q.stance, q.timeline_date,
         q.stated_on, q.is_past, q.date_approximate, 0 AS official
  FROM added q
  UNION ALL
  SELECT DISTINCT r.speaks_for_id, q.proposal_id, q.id, q.actor_id, q.stance, q.timeline_date,
         q.stated_on, q.is_past, q.date_approximate, 1
  FROM added q
  JOIN extraction_actorrole r ON r.actor_id = q.actor_id AND r.speaks_for_id <> r.actor_id
   AND q.timeline_date >= COALESCE(r.start, '-infinity'::date)
   AND q.timeline_date <= COALESCE(r."end", 'infinity'::date)
  WHERE NOT q.personal
),
candidates AS (
  SELECT * FROM counted
  UNION ALL
  SELECT s.actor_id, s.proposal_id, s.position_id, s.speaker_id, s.stance, s.timeline_date,
         s.stated_on, s.is_past, s.date_approximate, s.official_count
  FROM (SELECT DISTINCT actor_id, proposal_id FROM counted) pairs
  CROSS JOIN LATERAL (
    SELECT * FROM extraction_actorstanding s
    WHERE s.actor_id = pairs.actor_id AND s.proposal_id = pairs.proposal_id
    LIMIT 1  -- one row a pair; read by index, not by a scan of the whole table
  ) s
),
latest AS (
  SELECT DISTINCT ON (actor_id, proposal_id) actor_id, proposal_id, id AS position_id, speaker_id,
         stance, timeline_date, stated_on, is_past, date_approximate,
         SUM(official) OVER (PARTITION BY actor_id, proposal_id) AS official_count
  FROM candidates
  ORDER BY actor_id, proposal_id, timeline_date DESC, id DESC
)
{_UPSERT_STANDINGS}"""  # noqa: S608 - constant SQL, values in params

# The pair locks the stance refresh takes too (``tracker.extraction.stances``), in a fixed order.
LOCK_STANDINGS = f"""
SELECT pg_advisory_xact_lock(a::integer, p::integer) FROM ({_STANDING_PAIRS} ORDER BY a, p) AS pairs
"""  # noqa: S608 - constant SQL, values in params


class ActorStandingQuerySet(models.QuerySet):
    def refresh(self, pairs: Iterable[tuple[int, int]], *, lock: bool = True) -> None:
        """Recompute the standing of each (actor_id, proposal_id) pair, under the pair's lock, so
        a refresh of the same pair in another transaction waits for this one to commit and then
        sees its positions and roles."""
        pairs = sorted(set(pairs))
        if not pairs:
            return
        params = {"actors": [a for a, _ in pairs], "proposals": [p for _, p in pairs]}
        with transaction.atomic(), connection.cursor() as cursor:
            if lock:
                cursor.execute(LOCK_STANDINGS, params)
            cursor.execute(REFRESH_STANDINGS, params)

    def refresh_added(self, position_ids: Iterable[int]) -> None:
        """Take in positions just bulk-created, when they are the only change since the table was
        last right (an extraction batch; see ``REFRESH_STANDINGS_ADDED``). The caller holds the
        locks of the pairs they count for (``tracker.extraction.stances``)."""
        position_ids = sorted(set(position_ids))
        if position_ids:
            with connection.cursor() as cursor:
                cursor.execute(REFRESH_STANDINGS_ADDED, {"added": position_ids})

    def refresh_actors(self, actor_ids: Iterable[int | None]) -> None:
        """Recompute the standings of these actors on every proposal: after a change of the roles
        that speak for them."""
        actor_ids = sorted({actor_id for actor_id in actor_ids if actor_id is not None})
        if actor_ids:
            proposals = list(Proposal.objects.values_list("id", flat=True))
            self.refresh((actor_id, p) for actor_id in actor_ids for p in proposals)

    def rebuild(self) -> None:
        """Every actor's standings from scratch (``manage.py rebuild_derived``, the benchmarks),
        without the pair locks: one per pair of the whole table would fill much of PostgreSQL's
        lock table (sized for 64 locks a connection by default)."""
        proposals = list(Proposal.objects.values_list("id", flat=True))
        with transaction.atomic():
            self.all().delete()
            self.refresh(
                ((a, p) for a in Actor.objects.values_list("id", flat=True) for p in proposals),
                lock=False,
            )


class ActorStanding(models.Model):
    """Where an actor stands now on one proposal, counting its officials: its latest visible
    position, its own or one an official stated for it (``ActorRole.speaks_for``, between the
    role's start and end, not marked personal), with who stated it, the position's stance and
    dates, and how many positions its officials stated for it. One row per pair that has one.

    Refreshed per pair by the position writer, for the pairs it changed and the actors their
    actors' roles speak for (``tracker.extraction.stances``), and per actor when the roles that
    speak for it change (``ActorRole.save`` and ``delete``, ``Actor.absorb``, the catalogue
    loader).
    """

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="standings")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="standings")
    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="+")
    speaker = models.ForeignKey(
        Actor,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Who stated the position: the actor itself or one of its officials.",
    )
    # The position's, copied: what the matrix shows of a cell, read without the position's row.
    stance = models.CharField(max_length=12, choices=Position.Stance.choices)
    timeline_date = models.DateField()
    stated_on = models.DateField(null=True, blank=True)
    is_past = models.BooleanField(default=False)
    date_approximate = models.BooleanField(default=False)
    official_count = models.PositiveIntegerField(
        default=0,
        help_text="How many positions its officials stated for it on the proposal while in office.",
    )

    objects = ActorStandingQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["actor", "proposal"], name="actorstanding_one_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.stance} {self.proposal_id}"


@dataclass
class ActorTree:
    """All actors as (name, parent_id, has_positions), loaded in one query: who belongs to whom
    (a filter on an actor takes in its children) and who is worth offering in a filter."""

    actors: dict[int, tuple[str, int | None, bool]]

    @classmethod
    def load(cls) -> ActorTree:
        rows = Actor.objects.annotate(
            has_positions=models.Exists(ActorStance.objects.filter(actor=models.OuterRef("pk")))
        ).values_list("id", "name", "parent_id", "has_positions")
        return cls({row[0]: (row[1], row[2], row[3]) for row in rows})

    def with_descendants(self, actor_id: int) -> list[int]:
        children: dict[int, list[int]] = {}
        for child, (_, parent, _) in self.actors.items():
            if parent is not None:
                children.setdefault(parent, []).append(child)
        found, todo = [], [actor_id]
        while todo:
            current = todo.pop()
            if current in found:
                continue  # a cycle slipped past validation; do not loop
            found.append(current)
            todo.extend(children.get(current, []))
        return found

    def choices(self, selected: int | None = None) -> list[tuple[int, str]]:
        """Actors worth offering in a filter: those with positions, and the selected one."""
        rows = [(i, n) for i, (n, _, has) in self.actors.items() if has or i == selected]
        return sorted(rows, key=lambda row: row[1].casefold())


# --- Rule precision ---------------------------------------------------------------------
# How often curators agreed with what each of the pipeline's rules found: curation records its
# decisions (``RuleStat.objects.move``), and the position writer scales a new position's
# confidence by its rules' precisions. The table keeps the name it was created with in the
# curation app.

# Beta prior on a rule's precision, as pseudo-counts: a rule nobody has judged yet
# keeps its full weight (precision 1.0) and loses it only as curators reject its output.
PRIOR_CONFIRMED = 2
PRIOR_REJECTED = 0


def rule_id(rule) -> str:
    """How ``RuleStat`` names a rule of ``Position.rules`` (a string, or a structure as JSON)."""
    text = rule if isinstance(rule, str) else json.dumps(rule, sort_keys=True, ensure_ascii=False)
    return text[:300]


def rule_ids(rules) -> list[str]:
    return sorted({rule_id(rule) for rule in rules or []})


class RuleStatQuerySet(models.QuerySet):
    def precisions(self, rules) -> dict[str, float]:
        """The precision of each of these rules that curators have judged, by rule id (one query;
        none without rules)."""
        ids = rule_ids(rules)
        return {stat.rule: stat.precision for stat in self.filter(rule__in=ids)} if ids else {}

    def move(self, rule: str, before: str | None, after: str | None) -> None:
        """Move one decision on ``rule`` from the ``before`` count to the ``after`` one ("confirmed",
        "rejected", or None for no verdict), atomically."""
        self.get_or_create(rule=rule)
        changes = {
            outcome: models.F(outcome) + step
            for outcome, step in ((before, -1), (after, +1))
            if outcome in ("confirmed", "rejected")
        }
        self.filter(rule=rule).update(**changes)


class RuleStat(models.Model):
    """Curator decisions on positions a rule helped to produce."""

    rule = models.CharField(max_length=300, unique=True)
    confirmed = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RuleStatQuerySet.as_manager()

    class Meta:
        db_table = "curation_rulestat"
        ordering = ["rule"]
        verbose_name = "rule precision"
        verbose_name_plural = "rule precision"

    def __str__(self) -> str:
        return self.rule

    @property
    def decisions(self) -> int:
        return self.confirmed + self.rejected

    @property
    def precision(self) -> float:
        return (self.confirmed + PRIOR_CONFIRMED) / (
            self.confirmed + self.rejected + PRIOR_CONFIRMED + PRIOR_REJECTED
        )

    @staticmethod
    def confidence_factor(rules, precisions: dict[str, float]) -> float:
        """The precision of the weakest of these rules that curators have judged (``precisions``
        as ``RuleStat.objects.precisions`` gives them); 1.0 when none has been."""
        judged = [precisions[rule] for rule in rule_ids(rules) if rule in precisions]
        return min(judged) if judged else 1.0


class ExtractionRunQuerySet(models.QuerySet):
    def orphaned(self, started_before):
        """Runs still open whose worker is gone: started before ``started_before`` (longer ago than
        any task may run) and either their article is no longer being extracted, or it has been
        claimed again since."""
        return self.filter(
            status=ExtractionRun.Status.RUNNING, started_at__lt=started_before
        ).exclude(
            article__state="extracting", article__state_changed_at__lte=models.F("started_at")
        )

    def abandon(self, reason: str) -> int:
        """Close the open runs among these as abandoned, saying why; the records stay."""
        return self.filter(status=ExtractionRun.Status.RUNNING).update(
            status=ExtractionRun.Status.ABANDONED, finished_at=timezone.now(), error=reason
        )

    def replace_with_done(self, runs: list[ExtractionRun]) -> None:
        """Store finished runs (``ExtractionRun.done``) over their running records, same ids: one
        DELETE and one INSERT instead of bulk_update's per-row CASE expressions, which cost more
        than the save itself (``bulk_insert``: the mention lists are JSON). The newest run's
        mentions replace the earlier runs' (one copy per article)."""
        ids = [run.id for run in runs]
        self.filter(id__in=ids).delete()
        bulk_insert(runs)
        self.filter(
            article_id__in=[run.article_id for run in runs], mentions__isnull=False
        ).exclude(id__in=ids).update(mentions=None)


class ExtractionRun(models.Model):
    """One pass of the pipeline over one article, as a record anybody can inspect."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        ABANDONED = "abandoned", "Abandoned"  # its worker stopped; ``error`` says why

    article = models.ForeignKey(
        "ingestion.Article", on_delete=models.CASCADE, related_name="extraction_runs"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    extractor_version = models.CharField(max_length=40, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    positions_found = models.PositiveIntegerField(default=0)
    positions_new = models.PositiveIntegerField(default=0)
    positions_removed = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    # Kept on the article's newest finished run only (older runs' are cleared): null means the
    # run recorded none, which is how runs of extractors before mentions were stored look.
    mentions = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="Every actor and proposal mention found: [start, end, kind, name, rule].",
    )

    objects = ExtractionRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        # The sweep looks for open runs every minute; they are few among millions of records.
        indexes = [
            models.Index(
                fields=["started_at"],
                name="extractionrun_open",
                condition=models.Q(status="running"),
            )
        ]

    def __str__(self) -> str:
        return f"Extraction of article {self.article_id} ({self.status})"

    def done(
        self, at, *, found: int, counts: tuple[int, int], mentions: list[list]
    ) -> ExtractionRun:
        """This run, finished: what it found, how many positions were new and removed, the
        mentions. Not saved: ``ExtractionRun.objects.replace_with_done`` stores a batch at once."""
        self.status = self.Status.DONE
        self.finished_at = at
        self.positions_found = found
        self.positions_new, self.positions_removed = counts
        self.mentions = mentions
        return self

    def fail(self, message: str) -> None:
        self.status = self.Status.FAILED
        self.error = message[:2000]
        self.finished_at = timezone.now()
        self.save()


class CatalogueState(models.Model):
    """A single row whose version changes whenever actors, aliases or lexicons change.

    Workers keep compiled matchers in memory and rebuild them when this moves.
    """

    version = models.PositiveBigIntegerField(default=1)
    data_digest = models.CharField(
        max_length=64, blank=True, help_text="Digest of the data files last loaded."
    )

    def __str__(self) -> str:
        return f"Catalogue version {self.version}"

    @classmethod
    def current(cls) -> CatalogueState:
        state, _ = cls.objects.get_or_create(pk=1)
        return state

    @classmethod
    def loaded(cls, digest: str) -> None:
        """The data files with this digest are in the database: remember it, and bump."""
        cls.objects.filter(pk=1).update(data_digest=digest)
        cls.bump()

    @classmethod
    def bump(cls) -> None:
        updated = cls.objects.filter(pk=1).update(version=models.F("version") + 1)
        if not updated:
            cls.objects.get_or_create(pk=1)
