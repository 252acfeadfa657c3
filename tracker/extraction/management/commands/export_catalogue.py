"""python manage.py export_catalogue OUT.json: every actor with its kind, parent and aliases."""

import json

from django.core.management.base import BaseCommand, CommandError

from tracker.extraction.models import Actor


class Command(BaseCommand):
    help = "Write the actor catalogue (canonical name, kind, parent, aliases) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("out", help="Output file, or - for standard output")

    def handle(self, *args, out, **options):
        actors = [
            {
                "name": actor.name,
                "kind": actor.kind,
                "parent": actor.parent.name if actor.parent else None,
                "country": actor.country or None,
                "aliases": [
                    {
                        "text": alias.text,
                        "language": alias.language or None,
                        "strength": alias.strength,
                    }
                    for alias in actor.aliases.all()
                ],
            }
            for actor in Actor.objects.select_related("parent")
            .prefetch_related("aliases")
            .order_by("name")
        ]
        payload = json.dumps({"actors": actors}, ensure_ascii=False, indent=1)
        if out == "-":
            self.stdout.write(payload)
            return
        try:
            with open(out, "w", encoding="utf-8") as handle:
                handle.write(payload + "\n")
        except OSError as exc:
            raise CommandError(f"Cannot write {out}: {exc.strerror}") from None
        self.stdout.write(f"Wrote {len(actors)} actors to {out}")
