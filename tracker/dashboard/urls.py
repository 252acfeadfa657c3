from django.urls import path

from tracker.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.timeline, name="timeline"),
    path("timeline/new/", views.timeline_new, name="timeline-new"),
    path("actors/", views.actor_list, name="actors"),
    path("actors/<int:actor_id>/", views.actor_detail, name="actor"),
    path("proposals/", views.proposal_list, name="proposals"),
    path("proposals/<slug:kind>/", views.proposal_detail, name="proposal"),
    path("matrix/", views.matrix, name="matrix"),
    path("matrix/<int:actor_id>/<slug:kind>/", views.matrix_cell, name="matrix-cell"),
    path("shifts/", views.shifts, name="shifts"),
    path("shifts/new/", views.shifts_new, name="shifts-new"),
    path("articles/<int:article_id>/", views.article_detail, name="article"),
    path("search/", views.search, name="search"),
    path("feeds/positions/", views.position_feed, name="feed-positions"),
    path("feeds/shifts/", views.shift_feed, name="feed-shifts"),
]
