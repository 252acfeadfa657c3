"""Shared helpers: htmx helpers, template tags and the bootstrap command."""
