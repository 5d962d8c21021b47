"""For the type checker only: every process's settings and apps in one module, so the Django
plugin knows all models and settings (the three processes never share a database)."""

from . import broker, debtor, library
from .broker import *  # noqa: F403
from .debtor import *  # noqa: F403
from .library import *  # noqa: F403

INSTALLED_APPS = list(
    dict.fromkeys([*library.INSTALLED_APPS, *debtor.INSTALLED_APPS, *broker.INSTALLED_APPS])
)
