from django.urls import path

from tracker.curation import views

app_name = "curation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:position_id>/confirm/", views.decide, {"decision": "confirm"}, name="confirm"),
    path("<int:position_id>/reject/", views.decide, {"decision": "reject"}, name="reject"),
    path("<int:position_id>/edit/", views.edit, name="edit"),
    path("bulk/", views.bulk, name="bulk"),
    path("aliases/", views.alias_from_span, name="alias"),
    path("merge/", views.merge, name="merge"),
    path("actors/", views.actor_options, name="actor-options"),
    path("merges/<int:record_id>/undo/", views.undo, name="undo"),
    path("reextract/", views.reextract, name="reextract"),
    path("jobs/", views.job_list, name="jobs"),
    path("jobs/<int:job_id>/", views.job_detail, name="job"),
]
