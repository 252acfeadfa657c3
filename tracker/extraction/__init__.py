"""Actors, proposals and positions, and the pipeline that extracts them from article text."""
