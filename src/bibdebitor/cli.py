"""The ``bibdebitor``, ``bibdebitor-debtor`` and ``bibdebitor-broker`` commands: Django's
management commands with the settings of the library side, the reference debtor system and
the service platform."""

from __future__ import annotations

import os
import sys


def _run(program: str, settings_module: str, argv: list[str] | None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    from django.core.management import execute_from_command_line

    execute_from_command_line([program, *(sys.argv[1:] if argv is None else argv)])


def main(argv: list[str] | None = None) -> None:
    """The library side."""
    _run("bibdebitor", "bibdebitor.settings.library", argv)


def debtor_main(argv: list[str] | None = None) -> None:
    """The reference debtor system: its own process and database."""
    _run("bibdebitor-debtor", "bibdebitor.settings.debtor", argv)


def broker_main(argv: list[str] | None = None) -> None:
    """The service platform (routing broker): its own process and database."""
    _run("bibdebitor-broker", "bibdebitor.settings.broker", argv)


if __name__ == "__main__":
    main()
