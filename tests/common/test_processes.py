"""The harness leaves no process behind: one that ignores SIGTERM is killed after the grace."""

import signal
import subprocess
import sys

from bibdebitor.harness import processes

STUBBORN = (
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    "print('ready', flush=True); time.sleep(60)"
)


def test_a_process_that_does_not_finish_in_its_grace_is_killed(monkeypatch):
    monkeypatch.setattr(processes, "GRACE_SECONDS", 0.5)
    process = subprocess.Popen([sys.executable, "-c", STUBBORN], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline() == "ready\n"  # its SIGTERM handler is set
    processes.stop(process)
    assert process.returncode == -signal.SIGKILL


BURST = """
import os, signal, threading
from bibdebitor.common.stopping import stop_on_signals

stop = stop_on_signals()


def burst():
    for _ in range(2_000):
        os.kill(os.getpid(), signal.SIGTERM)


threading.Thread(target=burst).start()
print("stopped" if stop.wait(20) else "still waiting", flush=True)
"""


def test_a_burst_of_sigterms_stops_a_command_once_and_never_hangs_it():
    """A handler that set the event itself could be entered again while it held the event's
    lock, and the worker then waited on itself for ever."""
    done = subprocess.run(
        [sys.executable, "-c", BURST], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "stopped"
