"""Loading the seed articles listed in ``seeds/manifest.json`` through the normal ingest path."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from tracker.ingestion.ingest import IngestError, store_article
from tracker.ingestion.models import IngestRun, Source

SEEDS_DIR = Path(settings.BASE_DIR) / "seeds"


@dataclass
class SeedReport:
    new: int = 0
    duplicate: int = 0
    errors: list[str] = field(default_factory=list)


def load_seeds(seeds_dir: Path = SEEDS_DIR) -> SeedReport:
    """Ingest every seed once; a bad seed is reported by file name and the others still load."""
    report = SeedReport()
    manifest_path = seeds_dir / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        report.errors.append(f"{manifest_path.name}: cannot read the seed manifest ({exc})")
        return report
    source, _ = Source.objects.get_or_create(
        name="Seed articles", defaults={"kind": Source.Kind.MANUAL}
    )
    run = IngestRun.objects.create(
        kind=IngestRun.Kind.SEED,
        source=source,
        submitted=str(manifest_path.name),
        status=IngestRun.Status.RUNNING,
    )
    for entry in manifest:
        name = entry.get("file", "?")
        run.items_seen += 1
        try:
            text = _read_seed(seeds_dir / name)
            published = (
                dt.date.fromisoformat(entry["published"]) if entry.get("published") else None
            )
            stored = store_article(
                title=entry.get("title") or "",
                text=_without_title(text, entry.get("title")),
                language=entry.get("language"),
                published=published,
                url=entry.get("url"),
                source=source,
                run=run,
            )
        except (IngestError, ValueError, KeyError) as exc:
            report.errors.append(f"{name}: {exc}")
            run.items_failed += 1
            run.errors.append({"item": name, "error": str(exc)})
            continue
        if stored.created:
            report.new += 1
            run.items_new += 1
        else:
            report.duplicate += 1
            run.items_duplicate += 1
    run.save(update_fields=["items_seen", "items_new", "items_duplicate", "items_failed", "errors"])
    # Every entry is in: done, or failed when not one of them could be stored.
    IngestRun.objects.filter(id=run.id).close_if_done()
    return report


def _read_seed(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read the file ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(f"the file is not UTF-8 (byte {exc.start}); save it as UTF-8") from None
    if not text.strip():
        raise IngestError("the file is empty")
    return text


def _without_title(text: str, title: str | None) -> str:
    """Seed files start with their headline; the article text is what follows it."""
    first, _, rest = text.lstrip("\ufeff").partition("\n")
    if title and first.strip() == title.strip() and rest.strip():
        return rest
    return text
