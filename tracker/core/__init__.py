"""What every app shares: sending tasks to the broker (queue), worker database connections (db),
the vocabularies for templates (context_processors) and the bootstrap command."""
