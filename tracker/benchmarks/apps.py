from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    name = "tracker.benchmarks"
    label = "benchmarks"
