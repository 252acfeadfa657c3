"""Top-level URLs: the dashboard at /, Django's auth views and the admin."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Security-guarantee tracker"
admin.site.site_title = "Tracker admin"
admin.site.index_title = "Curation"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("review/", include("tracker.curation.urls")),
    path("submit/", include("tracker.ingestion.urls")),
    path("", include("tracker.dashboard.urls")),
]
