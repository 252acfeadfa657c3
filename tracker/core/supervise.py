"""Run a command so that stopping it stops it gently: ``python -m tracker.core.supervise CMD…``.

honcho (``make run``) stops a process by sending SIGTERM to its whole process group. A Celery
worker's pool processes are in that group, so they were killed under their master, which logged
"ERROR … exited with 'signal 15 (SIGTERM)'" on every Ctrl-C. Here the command runs in a process
group of its own and only its main process is told to stop; it then shuts its pool down itself.
"""

from __future__ import annotations

import ctypes
import signal
import subprocess
import sys


def _die_with_parent() -> None:
    """On Linux, the command is killed if this process is (honcho's SIGKILL after 5 s), so nothing
    outlives ``make run``; elsewhere it finishes its own shutdown."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m tracker.core.supervise COMMAND [ARGS…]", file=sys.stderr)
        return 2
    child: subprocess.Popen | None = None
    pending = False

    def forward(signum, _frame):
        nonlocal pending
        if child is None:
            pending = True
        elif child.poll() is None:
            child.send_signal(signal.SIGTERM)

    # The handlers come before the command: a stop that arrives while it starts is passed on once it
    # runs, instead of killing this process by default and the command with it (PR_SET_PDEATHSIG).
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, forward)
    child = subprocess.Popen(  # noqa: S603 - the operator's own command
        argv, process_group=0, preexec_fn=_die_with_parent
    )
    if pending:
        child.send_signal(signal.SIGTERM)
    returncode = child.wait()
    # Stopped on request: a clean exit, not "killed by signal 15".
    return 0 if returncode in (0, -signal.SIGTERM) else returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
