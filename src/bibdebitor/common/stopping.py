"""How a long-running command learns it should stop (SIGTERM from its supervisor, Ctrl-C).

The signal handler does not set the event itself: ``Event.set`` takes a lock, and a second
signal arriving while the first handler holds it made a worker wait on itself for ever (it
then ignored every later SIGTERM). The handler only writes a byte to a pipe, which takes no
lock; a small thread reads it and sets the event.
"""

from __future__ import annotations

import os
import signal
import threading


def stop_on_signals() -> threading.Event:
    """An event that is set once SIGTERM or SIGINT arrives (call from the main thread)."""
    stop = threading.Event()
    read_end, write_end = os.pipe()

    def watch() -> None:
        os.read(read_end, 1)
        stop.set()

    threading.Thread(target=watch, name="stop-on-signals", daemon=True).start()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: os.write(write_end, b"."))
    return stop
