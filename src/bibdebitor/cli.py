"""The ``bibdebitor`` command: Django's management commands with the project's settings."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bibdebitor.settings.library")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["bibdebitor", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
