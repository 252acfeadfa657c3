"""make run stops the worker gently: a signal to the supervisor's process group (what honcho sends
on Ctrl-C) reaches only the command's main process, which stops its own helpers."""

import os
import signal
import subprocess
import sys

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
helper = subprocess.Popen([sys.executable, "-c", sys.argv[1], sys.argv[2]], stdout=subprocess.PIPE)
helper.stdout.readline()
def stop(signum, frame):
    helper.kill(); helper.wait()  # the master ends its helper its own way
    print("stopped by my master", flush=True)
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
print("ready", flush=True)
time.sleep(60)
"""


def test_a_group_sigterm_reaches_only_the_main_process(tmp_path):
    marker = tmp_path / "helper-was-signalled"
    supervisor = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "tracker.core.supervise",
            sys.executable,
            "-c",
            MAIN,
            HELPER,
            str(marker),
        ],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,  # as honcho starts each process
    )
    assert supervisor.stdout.readline().strip() == "ready"
    os.killpg(supervisor.pid, signal.SIGTERM)  # what honcho does on Ctrl-C
    out, _ = supervisor.communicate(timeout=20)
    assert "stopped by my master" in out
    assert not marker.exists()
    assert supervisor.returncode == 0
