"""The site: the top layer that puts the apps together. The root URLs, the vocabularies every
template reads (context_processors) and ``manage.py bootstrap`` (what `make run` does first).
Nothing below imports it."""
