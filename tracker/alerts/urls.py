from django.urls import path

from tracker.alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.notifications, name="notifications"),
    path("unread/", views.unread, name="unread"),
    path("watchlists/", views.watchlists, name="watchlists"),
    path("watchlists/new/", views.watchlist_new, name="watchlist-new"),
    path("watchlists/<int:watchlist_id>/", views.watchlist_open, name="watchlist"),
    path("watchlists/<int:watchlist_id>/edit/", views.watchlist_edit, name="watchlist-edit"),
    path("watchlists/<int:watchlist_id>/pause/", views.watchlist_pause, name="watchlist-pause"),
    path("watchlists/<int:watchlist_id>/delete/", views.watchlist_delete, name="watchlist-delete"),
    path("watchlists/<int:watchlist_id>/webhooks/", views.webhook_add, name="webhook-add"),
    path("webhooks/<int:hook_id>/", views.webhook_log, name="webhook"),
    path("webhooks/<int:hook_id>/toggle/", views.webhook_toggle, name="webhook-toggle"),
    path("webhooks/<int:hook_id>/delete/", views.webhook_delete, name="webhook-delete"),
    path("preferences/", views.preferences, name="preferences"),
    path("feeds/", views.feeds, name="feeds"),
    path("feeds/<int:token_id>/revoke/", views.feed_token_revoke, name="feed-token-revoke"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
