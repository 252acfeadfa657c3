"""python manage.py bootstrap: what `make run` does before starting the processes.

Migrates (which also loads the actor catalogue and lexicons), collects static
files, creates an admin account if there is none, and ingests the seeds.
"""

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from tracker.ingestion.seeds import load_seeds


class Command(BaseCommand):
    help = "Prepare a database for `make run`: migrate, static files, admin account, seeds."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        login = self.ensure_admin()
        report = load_seeds()
        for error in report.errors:
            self.stderr.write(self.style.ERROR(f"Seed not loaded: {error}"))
        self.stdout.write(f"Seeds: {report.new} new, {report.duplicate} already present.")
        self.stdout.write(self.style.SUCCESS(self.banner(login)))

    @staticmethod
    def banner(login: str) -> str:
        """The one line that matters, framed so it stands out of the processes' logs."""
        url = f"http://{os.environ.get('HOST') or '127.0.0.1'}:{os.environ.get('PORT') or '8000'}/"
        line = f"  Open {url} and {login}  "
        rule = "=" * len(line)
        return f"\n{rule}\n{line}\n{rule}\n"

    def ensure_admin(self) -> str:
        """Create the first admin if there is none; say how to log in."""
        User = get_user_model()
        existing = User.objects.filter(is_superuser=True).order_by("id").first()
        if existing is not None:
            return f"log in as '{existing.get_username()}' (the password shown when it was created)"
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME") or "admin"
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        generated = not password
        if generated:
            password = secrets.token_urlsafe(12)
        email = os.environ.get("DJANGO_SUPERUSER_EMAIL", "")
        User.objects.create_superuser(username=username, email=email, password=password)
        if generated:
            return (
                f"log in as '{username}' with password {password} (shown once; change it in admin)"
            )
        return f"log in as '{username}' (password from DJANGO_SUPERUSER_PASSWORD)"
