"""``staff-user --username U --password P --role ROLE``: a staff login in one of the four
roles (for a first installation, the demo and the tests)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandParser

from bibdebitor.backoffice.roles import ROLES


class Command(BaseCommand):
    help = "Create or update a staff user in a role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", choices=list(ROLES), required=True)

    def handle(self, *args: object, username: str, password: str, role: str, **_: object) -> None:
        user, _created = get_user_model().objects.get_or_create(username=username)
        user.is_staff = True
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=role))
