"""What every page's layout needs: the process's title and home, and its navigation for the
signed-in user (only the links the user may follow)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True, slots=True)
class NavLink:
    url: str
    label: str
    current: bool


def _url(name: str, request: HttpRequest) -> str | None:
    """The link's address; a per-instance page takes the instance of the page being shown."""
    match = request.resolver_match
    shown = dict(match.kwargs) if match else {}
    for kwargs in ({}, *({key: value} for key, value in shown.items()), shown):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None


def navigation(request: HttpRequest) -> list[NavLink]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return []
    current = request.resolver_match.url_name if request.resolver_match else None
    links = []
    for name, label, permission in settings.BIBDEBITOR_NAVIGATION:
        if permission and not user.has_perm(permission):
            continue
        if (url := _url(name, request)) is not None:
            links.append(NavLink(url, str(label), name == current))
    return links


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "site_title": settings.BIBDEBITOR_SITE_TITLE,
        "site_home": _url(settings.BIBDEBITOR_SITE_HOME, request) or "/",
        "site_navigation": navigation(request),
    }
