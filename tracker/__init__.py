"""The security-guarantee tracker: a Django project with Celery workers.

Importing the package loads nothing else: the extraction pipeline under it is
pure Python and must stay importable without Django or Celery. The Celery app
(``tracker.celery``) is loaded by ``celery -A tracker`` in workers and beat,
and by ``tracker.core`` when Django starts (web, commands, tests).
"""
