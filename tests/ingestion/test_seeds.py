"""Seeds load through the normal pipeline, once, and bad seed files are named."""

import json
import shutil

from django.core.management import call_command

from tracker.ingestion.models import Article, IngestRun
from tracker.ingestion.seeds import SEEDS_DIR, load_seeds


def test_load_seeds_twice_adds_nothing(db):
    first = load_seeds()
    assert first.new == 1 and not first.errors
    second = load_seeds()
    assert second.new == 0 and second.duplicate == 1
    assert Article.objects.count() == 1
    assert IngestRun.objects.filter(kind="seed").count() == 2


def test_the_seed_article_is_stored_with_its_metadata_and_without_the_repeated_lede(db):
    load_seeds()
    article = Article.objects.get()
    manifest = json.loads((SEEDS_DIR / "manifest.json").read_text(encoding="utf-8"))[0]
    assert article.language == "ar"
    assert article.published.isoformat() == "2025-08-20"
    assert article.title == manifest["title"]
    lede = "عقب التزام دونالد ترامب بالمساعدة في حماية أوكرانيا"
    assert article.text.count(lede) == 1
    assert article.state == Article.State.INGESTED


def test_bad_seed_files_are_named_and_the_others_still_load(db, tmp_path):
    shutil.copy(SEEDS_DIR / "000_d3ac343cec681008.txt", tmp_path / "good.txt")
    (tmp_path / "empty.txt").write_text("   \n")
    (tmp_path / "latin1.txt").write_bytes("Garanties de sécurité".encode("latin-1"))
    manifest = [
        {"file": "empty.txt", "language": "en", "published": "2025-01-01", "title": "Empty"},
        {"file": "latin1.txt", "language": "fr", "published": "2025-01-01", "title": "Latin"},
        {"file": "missing.txt", "language": "fr", "published": "2025-01-01", "title": "Gone"},
        {"file": "good.txt", "language": "ar", "published": "2025-08-20", "title": "Good"},
    ]
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    report = load_seeds(tmp_path)
    assert report.new == 1
    errors = "\n".join(report.errors)
    assert "empty.txt: the file is empty" in errors
    assert "latin1.txt: the file is not UTF-8" in errors
    assert "missing.txt: cannot read the file" in errors
    run = IngestRun.objects.get()
    assert (run.items_seen, run.items_new, run.items_failed) == (4, 1, 3)


def test_load_seeds_command_reports_counts(db, capsys):
    call_command("load_seeds")
    call_command("load_seeds")
    out = capsys.readouterr().out
    assert "Seeds: 1 new, 0 already present, 0 failed." in out
    assert "Seeds: 0 new, 1 already present, 0 failed." in out
