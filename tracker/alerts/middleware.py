"""Private feed links: ``?token=`` on the two Atom feeds stands for the token's user.

The token authenticates that one request (no session is made), only on the feed URLs, and with
the user's own permissions, which the feed views check as for a logged-in user. An unknown or
revoked token is refused with 403 at once; without a token the feeds ask for a login as before.
"""

from __future__ import annotations

from django.http import HttpResponseForbidden
from django.urls import reverse

from tracker.alerts.models import FeedToken

FEED_URL_NAMES = ("dashboard:feed-positions", "dashboard:feed-shifts")


def feed_token_middleware(get_response):
    feed_paths: set[str] = set()

    def middleware(request):
        if not feed_paths:
            feed_paths.update(reverse(name) for name in FEED_URL_NAMES)
        token = request.GET.get("token")
        if token is not None and request.path in feed_paths and request.method == "GET":
            user = FeedToken.user_for(token)
            if user is None:
                return HttpResponseForbidden(
                    "This feed token is not valid or has been revoked. Make a new one on the "
                    "Feeds page.",
                    content_type="text/plain",
                )
            request.user = user
            request._cached_user = user
        return get_response(request)

    return middleware
