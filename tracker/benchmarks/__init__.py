"""Benchmark commands, and nothing else: bench_dashboard, bench_ingest, bench_extraction and
bench_alerts print the figures the README quotes. No product code imports this package."""
