"""``make-identity --name NAME --out DIR``: a self-signed certificate and key for signing
SF1590 calls (demo and test set-ups; production uses the CA's certificates, e.g. FOCES).
Writes ``DIR/key.pem`` (readable by the owner only) and ``DIR/cert.pem``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from bibdebitor.protocol.signing import write_identity


class Command(BaseCommand):
    help = "Make a signing key and self-signed certificate."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="the certificate's common name")
        parser.add_argument("--out", type=Path, required=True)

    def handle(self, *args: object, name: str, out: Path, **options: object) -> None:
        identity = write_identity(name, out)
        self.stdout.write(identity.fingerprint)
