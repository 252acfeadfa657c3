"""The analyst dashboard: server-rendered HTMX pages over positions."""

from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "tracker.dashboard"
    label = "dashboard"
