"""``serve --addr HOST:PORT [--threads N] [--processes N]``: serve this side's WSGI application
with waitress (threaded, HTTP/1.1 keep-alive), for both the library side and the debtor
system. With several processes, each runs waitress on the one listening socket bound here
(the kernel hands each connection to one of them), so the side can use more than one core."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import threading
import time
from typing import TypedDict

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.wsgi import get_wsgi_application
from django.db import connections
from waitress import serve

ORPHAN_CHECK_SECONDS = 0.5


class ServerOptions(TypedDict, total=False):
    ident: str
    max_request_body_size: int
    trusted_proxy: str
    trusted_proxy_count: int
    trusted_proxy_headers: set[str]
    clear_untrusted_proxy_headers: bool


SERVER_OPTIONS: ServerOptions = {"ident": "bibdebitor", "max_request_body_size": 64 * 1024 * 1024}


def server_options() -> ServerOptions:
    """Waitress's options. Behind a reverse proxy (``BIBDEBITOR_TRUSTED_PROXY``: its address),
    the client's address and scheme come from the proxy's X-Forwarded-For/-Proto, so that
    lock-outs by client address lock out that client and not everyone behind the proxy;
    those headers from anyone else are dropped, never believed."""
    proxy = settings.BIBDEBITOR_TRUSTED_PROXY
    if not proxy:
        return SERVER_OPTIONS.copy()
    return {
        **SERVER_OPTIONS,
        "trusted_proxy": proxy,
        "trusted_proxy_count": 1,
        "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"},
        "clear_untrusted_proxy_headers": True,
    }


class Command(BaseCommand):
    help = "Serve the application with waitress."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--threads", type=int, default=8, help="per process")
        parser.add_argument("--processes", type=int, default=1)

    def handle(
        self, *args: object, addr: str, threads: int, processes: int, **options: object
    ) -> None:
        host, _, port = addr.rpartition(":")
        if not host or not port.isdigit():
            raise CommandError("--addr must be HOST:PORT")
        if threads < 1 or processes < 1:
            raise CommandError("--threads and --processes must be at least 1")
        application = get_wsgi_application()
        self.stdout.write(f"Serving on http://{addr}/", ending="\n")
        self.stdout.flush()
        if processes == 1:
            serve(application, host=host, port=int(port), threads=threads, **server_options())
            return
        listening = socket.create_server((host.strip("[]"), int(port)), backlog=1024)
        connections.close_all()  # no database connection may be shared across the fork
        children = [_fork_server(application, listening, threads) for _ in range(processes)]
        sys.exit(_supervise(children))


def _fork_server(application: WSGIHandler, listening: socket.socket, threads: int) -> int:
    pid = os.fork()
    if pid:
        return pid
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    threading.Thread(target=_exit_when_orphaned, args=(os.getppid(),), daemon=True).start()
    try:
        serve(application, sockets=[listening], threads=threads, **server_options())
    finally:
        os._exit(1)  # a server process never returns into the parent's code


def _exit_when_orphaned(parent: int) -> None:
    """A parent killed outright (kill -9, the OOM killer) cannot stop its server processes;
    they stop themselves, so the port is free for the restart."""
    while os.getppid() == parent:
        time.sleep(ORPHAN_CHECK_SECONDS)
    os._exit(1)


def _supervise(children: list[int]) -> int:
    """Wait for the server processes; stop them all when the parent is told to stop (exit 0)
    or when one of them ends on its own (exit 1)."""
    told_to_stop = False

    def stop(*_: object) -> None:
        nonlocal told_to_stop
        told_to_stop = True
        _terminate(children)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    os.wait()  # resumed after the handler (PEP 475) until a child ends
    ended_on_its_own = not told_to_stop
    _terminate(children)
    for _ in children[1:]:
        os.wait()
    return 1 if ended_on_its_own else 0


def _terminate(children: list[int]) -> None:
    for pid in children:
        with contextlib.suppress(ProcessLookupError):  # already reaped
            os.kill(pid, signal.SIGTERM)
