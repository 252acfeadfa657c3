"""A hand-over from an app to the apps above it, which it must not import.

The lower app owns a ``Handoff`` and calls it with ids; a higher app registers what to do with
them in its ``AppConfig.ready``. An empty hand-over does nothing.
"""

from __future__ import annotations

from collections.abc import Callable

Handler = Callable[[list[int]], None]


class Handoff:
    def __init__(self) -> None:
        self._handlers: list[Handler] = []

    def register(self, handler: Handler) -> None:
        """Hand every later call's ids to ``handler``; registering twice registers once."""
        if handler not in self._handlers:
            self._handlers.append(handler)

    def __call__(self, ids: list[int]) -> None:
        for handler in self._handlers:
            handler(ids)
