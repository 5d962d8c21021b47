"""``serve --addr HOST:PORT``: serve this side's WSGI application with waitress (threaded,
HTTP/1.1 keep-alive), for both the library side and the debtor system."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.wsgi import get_wsgi_application
from waitress import serve


class Command(BaseCommand):
    help = "Serve the application with waitress."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: object, addr: str, threads: int, **options: object) -> None:
        host, _, port = addr.rpartition(":")
        if not host or not port.isdigit():
            raise CommandError("--addr must be HOST:PORT")
        self.stdout.write(f"Serving on http://{addr}/", ending="\n")
        self.stdout.flush()
        serve(
            get_wsgi_application(),
            host=host,
            port=int(port),
            threads=threads,
            ident="bibdebitor",
            max_request_body_size=64 * 1024 * 1024,
        )
