from django.apps import AppConfig


class IngestionConfig(AppConfig):
    name = "tracker.ingestion"
    label = "ingestion"
