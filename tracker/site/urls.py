"""Top-level URLs: the dashboard at /, Django's auth views and the admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

admin.site.site_header = "Security-guarantee tracker"
admin.site.site_title = "Tracker admin"
admin.site.index_title = "Curation"

urlpatterns = [
    path("admin/", admin.site.urls),
    # Log in, log out and change one's password. No password-reset views: there is no email
    # to send the reset link with, and a form that pretends to send one only misleads.
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("review/", include("tracker.curation.urls")),
    path("submit/", include("tracker.ingestion.urls")),
    path("alerts/", include("tracker.alerts.urls")),
    path("", include("tracker.dashboard.urls")),
]
