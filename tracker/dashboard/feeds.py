"""Atom feeds of new positions (any timeline filter) and of stance shifts.

Titles and evidence come from articles that anyone who may submit text can write, so
summaries are plain text (``type="text"``): a feed reader shows markup in them as characters,
never renders it.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.core.exceptions import BadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from tracker.dashboard import queries
from tracker.dashboard.forms import PositionFilterForm, ShiftFilterForm, query_string
from tracker.extraction.models import ActorTree

FEED_ITEMS = 50


class TextAtomFeed(Atom1Feed):
    """Atom with plain-text summaries (Django's own always declares them HTML)."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class PositionFeed(Feed):
    feed_type = TextAtomFeed
    description_template = None

    def get_object(self, request):
        tree = ActorTree.load()
        form = PositionFilterForm(request.GET, actors=tree.actors, sources=None)
        if not form.is_valid():
            raise BadRequest("Invalid filters")
        return {
            "data": form.cleaned_data,
            "tree": tree,
            "query": query_string(form.cleaned_data, form.FILTERS),
        }

    def title(self, obj):
        return "New positions · Security-guarantee tracker"

    def link(self, obj):
        return reverse("dashboard:timeline") + (f"?{obj['query']}" if obj["query"] else "")

    def subtitle(self, obj):
        return "Positions as they are extracted, newest first."

    def items(self, obj):
        # Newest extracted first: a feed reader wants what is new, not what is dated latest.
        qs = queries.filter_positions(obj["data"], obj["tree"]).order_by("-id")
        return qs.select_related("actor", "proposal", "article").only(
            *queries.TIMELINE_FIELDS, "created_at"
        )[:FEED_ITEMS]

    def item_title(self, item):
        return (
            f"{item.actor.name} {item.get_stance_display().lower()} {item.proposal.title.lower()}"
        )

    def item_description(self, item):
        return f"“{item.evidence}” ({item.article.title}, {item.timeline_date:%d %b %Y})"

    def item_link(self, item):
        return reverse("dashboard:article", args=[item.article_id]) + f"#position-{item.id}"

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.created_at


class ShiftFeed(Feed):
    feed_type = TextAtomFeed

    def get_object(self, request):
        form = ShiftFilterForm(request.GET)
        if not form.is_valid():
            raise BadRequest("Invalid filters")
        return form.cleaned_data

    def title(self, obj):
        return "Stance shifts · Security-guarantee tracker"

    def link(self, obj):
        return reverse("dashboard:shifts")

    def subtitle(self, obj):
        return "Actors changing their stance on a proposal."

    def items(self, obj):
        return (
            queries.filter_shifts(obj)
            .select_related(*queries.SHIFT_RELATED)
            .only(*queries.SHIFT_FIELDS)[:FEED_ITEMS]
        )

    def item_title(self, item):
        return (
            f"{item.actor.name}: {item.from_stance} → {item.to_stance} on "
            f"{item.proposal.title.lower()}, {item.timeline_date:%d %b %Y}"
        )

    def item_description(self, item):
        return f"Before: “{item.before.evidence}”. After: “{item.after.evidence}”."

    def item_link(self, item):
        return (
            reverse("dashboard:article", args=[item.after.article_id])
            + f"#position-{item.after_id}"
        )

    def item_guid(self, item):
        return f"shift-{item.actor_id}-{item.proposal_id}-{item.before_id}-{item.after_id}"

    def item_updateddate(self, item):
        import datetime as dt

        return dt.datetime.combine(item.timeline_date, dt.time(), tzinfo=dt.UTC)
