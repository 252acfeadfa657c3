"""make run stops the worker gently: a signal to the supervisor's process group (what honcho sends
on Ctrl-C) reaches only the command's main process, which stops its own helpers."""

import contextlib
import os
import signal
import subprocess
import sys
import time

import pytest

HELPER = """
import signal, sys, time
def hit(signum, frame):
    open(sys.argv[1], "w").write("the group signal reached me")
    sys.exit(1)
signal.signal(signal.SIGTERM, hit)
print("up", flush=True)
time.sleep(60)
"""

MAIN = """
import signal, subprocess, sys, time
helper = subprocess.Popen([sys.executable, "-c", sys.argv[1], sys.argv[3]], stdout=subprocess.PIPE)
helper.stdout.readline()
def stop(signum, frame):
    helper.kill(); helper.wait()  # the master ends its helper its own way
    open(sys.argv[2], "w").write("stopped by my master")
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
print("ready", flush=True)
time.sleep(60)
"""


def supervise(*command: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "tracker.core.supervise", *command],
        start_new_session=True,  # as honcho starts each process
        **kwargs,
    )


def stop_all(*pids: int) -> None:
    """Leave nothing running when an assertion fails."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)


def test_a_group_sigterm_reaches_only_the_main_process(tmp_path):
    stopped, marker = tmp_path / "master-stopped", tmp_path / "helper-was-signalled"
    supervisor = supervise(
        sys.executable, "-c", MAIN, HELPER, str(stopped), str(marker), stdout=subprocess.PIPE
    )
    try:
        assert supervisor.stdout.readline() == b"ready\n"
        os.killpg(supervisor.pid, signal.SIGTERM)  # what honcho does on Ctrl-C
        # Waiting for the process, not for the end of its output: nothing else can hold it open.
        assert supervisor.wait(timeout=20) == 0
    finally:
        supervisor.stdout.close()
        stop_all(supervisor.pid)
    assert stopped.read_text() == "stopped by my master"
    assert not marker.exists()


@pytest.mark.parametrize("delay_ms", range(0, 160, 10))
def test_a_stop_while_the_command_starts_is_passed_on(tmp_path, delay_ms):
    """Whenever the stop comes, the command is not left running. Once the command has started, the
    supervisor has its handlers: it passes the stop on and ends cleanly, not by the signal."""
    pidfile = tmp_path / "pid"
    supervisor = supervise("sh", "-c", f"echo $$ > {pidfile}; exec sleep 60")
    time.sleep(delay_ms / 1000)
    os.killpg(supervisor.pid, signal.SIGTERM)
    try:
        returncode = supervisor.wait(timeout=20)
    finally:
        stop_all(supervisor.pid)
    started = pidfile.exists() and pidfile.read_text().strip()
    if started:
        child = int(started)
        try:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and os.path.exists(f"/proc/{child}"):
                time.sleep(0.01)
            assert not os.path.exists(f"/proc/{child}"), "the command outlived its supervisor"
        finally:
            stop_all(child)
    # Killed by the signal itself only while Python was still setting up, before any command ran.
    assert returncode == 0 or (returncode == -signal.SIGTERM and not started)
