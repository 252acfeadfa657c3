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
        self.ensure_admin()
        report = load_seeds()
        for error in report.errors:
            self.stderr.write(self.style.ERROR(f"Seed not loaded: {error}"))
        self.stdout.write(f"Seeds: {report.new} new, {report.duplicate} already present.")

    def ensure_admin(self) -> None:
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            return
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME") or "admin"
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        generated = not password
        if generated:
            password = secrets.token_urlsafe(12)
        email = os.environ.get("DJANGO_SUPERUSER_EMAIL", "")
        User.objects.create_superuser(username=username, email=email, password=password)
        if generated:
            self.stdout.write(
                self.style.WARNING(
                    f"Created admin account '{username}' with password: {password}\n"
                    "This password is shown once; change it in the admin."
                )
            )
        else:
            self.stdout.write(
                f"Created admin account '{username}' from DJANGO_SUPERUSER_USERNAME/PASSWORD."
            )
