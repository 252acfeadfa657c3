"""The analyst dashboard: server-rendered HTMX pages over positions."""
