"""The one error type of the pure domain code, and a Django-free translation marker."""

from __future__ import annotations


def gettext_noop(message: str) -> str:
    """Mark a message for translation without importing Django.

    ``makemessages`` collects calls by this name; the UI translates ``DomainError.message``
    with ``gettext`` when it shows it.
    """
    return message


class DomainError(ValueError):
    """A refused input or action. ``code`` is stable for programs; ``message`` is English,
    translatable and never contains personal data such as a CPR number."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
