from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "tracker.site"
    label = "site"
    verbose_name = "Site"
