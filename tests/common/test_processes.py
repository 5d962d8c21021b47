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
