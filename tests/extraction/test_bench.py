"""manage.py bench_extraction prints its figures (the speed target is read from them, not asserted)."""

from io import StringIO

from django.core.management import call_command


def test_the_last_line_gives_wall_clock_and_cpu_throughput():
    out = StringIO()
    call_command("bench_extraction", "--articles", "5", stdout=out)
    last = out.getvalue().strip().splitlines()[-1]
    figures = dict(pair.split("=") for pair in last.split())
    assert set(figures) == {"articles_per_s", "mb_per_s", "peak_rss_mb", "cpu_articles_per_s"}
    assert float(figures["articles_per_s"]) > 0
    assert float(figures["cpu_articles_per_s"]) > 0
