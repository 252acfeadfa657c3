"""What every app shares and no app is imported by: sending tasks to the broker (queue), worker
database connections (db), and the gentle stop of `make run`'s processes (supervise). It
imports none of the apps."""
