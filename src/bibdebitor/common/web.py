"""Pages every process shares: the Django admin site in Danish with our sign-in page, the
CSRF refusal in the site's layout, and who a signed-in staff member is in the journals."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from bibdebitor.domain import actors


def dress_admin_site(title: StrOrPromise) -> None:
    """Name this process's admin site and give it the design system's sign-in page."""
    admin.site.site_header = title
    admin.site.site_title = title
    admin.site.index_title = _("Administration")
    admin.site.login_template = "layout/login.html"


def staff_actor(request: HttpRequest) -> str:
    """The signed-in staff member, as the journals name them."""
    return actors.staff(request.user.get_username())


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid CSRF token (usually an old page or blocked cookies)."""
    return render(request, "403_csrf.html", status=403)
