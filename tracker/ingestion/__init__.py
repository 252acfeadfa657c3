"""Articles and where they come from: sources, fetching, feeds, deduplication, ingest runs."""
