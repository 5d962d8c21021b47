"""``bibdebitor integration --agency ID status|activate|deactivate|coverage-token``: switch
the debtor integration on (with a cut-off date and the code of its dry run) or off, and let
the agency's debtor system call the coverage service with a token (stored hashed).

Switching on obeys the go-live checklist as the page does; ``--override "reason"`` switches
on over open tasks, journalled with the reason and the tasks then open."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from bibdebitor.backoffice.setup import GoLiveBlocked, change_settings, switch_on
from bibdebitor.common.credentials import digest
from bibdebitor.domain import actors
from bibdebitor.domain.dates import parse_date
from bibdebitor.domain.errors import DomainError
from bibdebitor.ledger.models import Agency
from bibdebitor.transfer.activation import deactivate, missing_settings
from bibdebitor.transfer.models import CoverageCredential, MessageState, OutboxMessage
from bibdebitor.transfer.tasks import open_tasks


class Command(BaseCommand):
    help = "Show, switch on or switch off an agency's debtor integration."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True)
        parser.add_argument(
            "--actor", default="cli", help="who runs it (journalled as operator:NAME)"
        )
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("status")
        on = actions.add_parser("activate")
        on.add_argument("--cutoff", required=True, help="YYYY-MM-DD or DD-MM-YYYY")
        on.add_argument("--code", required=True, help="the code printed by cutover-preview")
        on.add_argument(
            "--override",
            default="",
            metavar="REASON",
            help="switch on although checklist tasks are open (journalled with the reason)",
        )
        actions.add_parser("deactivate")
        token = actions.add_parser("coverage-token")
        token.add_argument("--token", required=True, help="the debtor system's bearer token")
        token.add_argument("--name", default="debitorsystem")

    def handle(self, *args: object, agency: str, action: str, actor: str, **o: Any) -> None:
        actor = actors.operator(actor)
        try:
            target = Agency.objects.get(agency_id=agency)
        except Agency.DoesNotExist:
            raise CommandError(gettext("No agency with that id.")) from None
        try:
            if action == "activate":
                handed_over = self._activate(target, actor=actor, **o)
                self.stdout.write(
                    gettext("Switched on. %(count)d claims handed over to the outbox.")
                    % {"count": handed_over}
                )
            elif action == "deactivate":
                deactivate(target, actor=actor)
                self.stdout.write(gettext("Switched off."))
            elif action == "coverage-token":
                CoverageCredential.objects.update_or_create(
                    token_sha256=digest(str(o["token"])),
                    defaults={"agency": target, "name": str(o["name"])[:200]},
                )
        except GoLiveBlocked as blocked:
            standing = "\n".join(f"  - {gettext(s.task.title)}" for s in blocked.standing)
            raise CommandError(
                gettext(blocked.message)
                + "\n"
                + standing
                + "\n"
                + gettext('Finish them, or switch on anyway with --override "reason".')
            ) from None
        except DomainError as error:
            raise CommandError(gettext(error.message)) from None
        self._status(target)

    @staticmethod
    def _activate(
        agency: Agency, *, actor: str, cutoff: str, code: str, override: str, **_: object
    ) -> int:
        """The cut-off date is set through the journalled set-up (which, for an active
        integration, hands over what moving it back adds); then the checklist decides."""
        was_active = agency.integration_active
        before = OutboxMessage.objects.filter(agency=agency).count()
        change_settings(agency, {"cutoff_date": parse_date(cutoff)}, actor=actor, preview_code=code)
        if was_active:
            return OutboxMessage.objects.filter(agency=agency).count() - before
        return switch_on(agency, preview_code=code, actor=actor, override=override).handed_over

    def _status(self, agency: Agency) -> None:
        agency.refresh_from_db()
        waiting = OutboxMessage.objects.filter(
            agency=agency, state__in=[MessageState.PENDING, MessageState.LEASED]
        ).count()
        lines = [
            f"{gettext('integration active')}: {agency.integration_active}",
            f"{gettext('cut-off date')}: {agency.cutoff_date or '-'}",
            f"{gettext('waiting in the outbox')}: {waiting}",
            f"{gettext('open error tasks')}: {open_tasks().filter(agency=agency).count()}",
        ]
        missing = missing_settings(agency)
        if missing:
            lines.append(
                gettext("missing settings") + ": " + ", ".join(gettext(m) for m in missing)
            )
        self.stdout.write("\n".join(lines))
