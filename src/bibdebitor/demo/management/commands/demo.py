"""``bibdebitor demo [--size tiny|small|medium|large] [--addr HOST:PORT] [--no-serve]``: the
whole integration on localhost for a newcomer. It generates a municipality, starts the service
platform and the debtor system next to the library, runs the dry run, the cut-over, a few
months in the debtor system and reconciliation, prints a summary with the logins, and keeps
serving until Ctrl-C. Run it on a fresh data directory (``make demo`` makes one)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
import time
import uuid
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from bibdebitor.backoffice.roles import SYSTEM_ADMINISTRATORS
from bibdebitor.citizen.models import ClientSystem
from bibdebitor.common.credentials import digest
from bibdebitor.common.stopping import stop_on_signals
from bibdebitor.demo.landscape import Landscape, Municipality, new_secret
from bibdebitor.demo.people import INVOICED_CPRS, demo_citizen, demo_guardian, new_fee
from bibdebitor.demo.scenario import Scenario, Summary
from bibdebitor.domain.claims import EventKind
from bibdebitor.domain.money import format_kroner
from bibdebitor.domain.vendors import Vendor
from bibdebitor.harness.generator import MunicipalitySize, generate_municipality
from bibdebitor.ledger.models import Agency, Patron
from bibdebitor.ledger.services import set_pin
from bibdebitor.sortiment.cutover import Tally

MUNICIPALITY = Municipality(
    agency_id="799900",
    name="Demo Kommune",
    cvr="29189129",
    organisation=uuid.UUID("0a3f5e2c-7b1d-4c8e-9f60-2d4b8a1c9e01"),
    instance=uuid.UUID("7c2e9d41-3a5b-4f6c-8d1e-0b9a8c7d6e02"),
    # The municipality's own FBS instance: not FBS Cicero's system UUID (domain/fbs.py), which
    # names the IT system everywhere and goes on the vendor's order form.
    sender=uuid.UUID("5b8e1f47-2c3a-4d9e-8f16-7a0c3e5d9b03"),
)
SIZES = {
    "tiny": MunicipalitySize(patrons=80, claims=250, years=2),
    "small": MunicipalitySize(patrons=400, claims=1_500, years=3),
    "medium": MunicipalitySize(patrons=2_000, claims=8_000, years=3),
    "large": MunicipalitySize(patrons=20_000, claims=100_000, years=3),
}


# Made up, as the debtor system's default: a demo's code lines must not pay a real municipality
# (Lyngby-Taarbæk's own, 86836084, was here before).
DEMO_CREDITOR = "87654321"


def demo_agency() -> Agency:
    m = MUNICIPALITY
    return Agency.objects.create(
        agency_id=m.agency_id,
        name=f"{m.name}s Biblioteker",
        cvr=m.cvr,
        municipality_code="999",
        debtor_vendor=Vendor.KMD_OPUS,
        organisation_uuid=m.organisation,
        debtor_instance_uuid=m.instance,
        org_unit_uuid=uuid.UUID("5d7b6f3c-1d1c-4d1e-9a55-3b3f0c7c1a01"),
        sender_instance_uuid=m.sender,
        substitute_cpr_enabled=True,
        creditor_number=DEMO_CREDITOR,
        coverage_in_batches=False,  # the demo's debtor system reports at once
    )


class Command(BaseCommand):
    help = "Run the whole integration on localhost with a generated municipality."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=list(SIZES), default="small")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="the library's address")
        parser.add_argument("--no-serve", action="store_true", help="stop after the summary")
        parser.add_argument("--summary-json", type=Path, help="also write the summary here")

    def handle(self, *args: object, size: str, addr: str, no_serve: bool, **o: object) -> None:
        if Agency.objects.filter(agency_id=MUNICIPALITY.agency_id).exists():
            raise CommandError(
                _("The demo has already run in this data directory; `make demo` starts afresh.")
            )
        console = Console(file=self.stdout, width=110)  # type: ignore[arg-type]  # OutputWrapper is a TextIOBase, not typing.IO
        logging.getLogger("bibdebitor").setLevel(logging.WARNING)  # the steps tell the story
        agency = demo_agency()
        with console.status(_("Generating the municipality …")):
            made = generate_municipality(agency, SIZES[size])
        console.print(
            _("%(patrons)d patrons (%(guardians)d with a guardian), %(claims)d claims.")
            % {"patrons": made.patrons, "guardians": made.guardians, "claims": made.claims}
        )
        landscape = Landscape(
            settings.DATA_DIR / "landscape", MUNICIPALITY, library_data=settings.DATA_DIR
        )
        landscape.library.port = int(addr.rpartition(":")[2])
        try:
            with console.status(_("Starting the service platform and the debtor system …")):
                landscape.start()
            cutoff = timezone.localdate() - dt.timedelta(days=365)
            summary = Scenario(landscape, agency, cutoff, console).run()
            logins = self.logins(agency, landscape)
            self.report(console, summary, landscape, logins)
            if o["summary_json"]:
                Path(str(o["summary_json"])).write_text(json.dumps(asdict(summary), default=str))
            if summary.discrepancies != 0 or summary.reconciliation_error:
                raise CommandError(_("Reconciliation found discrepancies."))
            if not no_serve:
                wait_for_ctrl_c(console)
        finally:
            landscape.stop()

    def logins(self, agency: Agency, landscape: Landscape) -> dict[str, str]:
        """Every login beside the address it signs in at, kept in a file only its owner can
        read (the CPR numbers for the portal and the guardian are not printed)."""
        staff_password = new_secret()
        call_command(
            "staff-user", username="demo", password=staff_password, role=SYSTEM_ADMINISTRATORS
        )
        invoiced = {cpr for (cpr,) in landscape.debtor.query(INVOICED_CPRS)}
        citizen = demo_citizen(agency, invoiced)
        if citizen.cpr not in invoiced:
            _invoice_a_new_fee(citizen, landscape)
        pin = new_pin()
        set_pin(citizen, pin)
        guardian = demo_guardian(agency, invoiced)
        guardian_pin = new_pin()
        if guardian is not None:
            set_pin(guardian, guardian_pin)
        client_secret = new_secret(24)
        ClientSystem.objects.create(
            client_id="demo-hjemmeside",
            agency=agency,
            name="Demo-hjemmeside",
            secret_sha256=digest(client_secret),
            active=True,
        )
        at = addresses(landscape)
        code = landscape.logins.mitid_code
        logins = {
            "staff_url": at["staff_url"],
            "staff": f"demo / {staff_password}",
            "citizen_url": at["citizen_url"],
            "citizen": f"{citizen.patron_number} / {pin}",
            "citizen_cpr": citizen.cpr,
            "portal_url": at["portal_url"],
            "portal": f"{citizen.cpr} / {code}",
            "mitid_code": code,
        }
        if guardian is not None:
            logins |= {
                "guardian_url": at["citizen_url"],
                "guardian": f"{guardian.cpr} / {guardian_pin}",
                "guardian_portal": f"{guardian.cpr} / {code}",
            }
        logins |= {
            "fees_url": at["fees_url"],
            "fees_client": f"demo-hjemmeside / {client_secret}",
            "platform_admin_url": at["platform_admin_url"],
            "platform_admin": " / ".join(landscape.logins.platform_admin),
            "debtor_staff_url": at["debtor_staff_url"],
            "debtor_staff": " / ".join(landscape.logins.debtor_staff),
            "metrics_token": landscape.logins.metrics_token,  # /metrics of every process
        }
        path = landscape.root / "LOGINS.txt"
        path.write_text("".join(f"{k}: {v}\n" for k, v in logins.items()), encoding="utf-8")
        path.chmod(0o600)
        return logins

    def report(
        self, console: Console, summary: Summary, landscape: Landscape, logins: dict[str, str]
    ) -> None:
        console.rule(f"[bold]{_('Summary')}")
        table = Table(show_header=False)
        rows = [
            (_("Dry-run code"), summary.dry_run_code),
            (_("Claims handed over at the cut-over"), str(summary.handed_over)),
            (_("Accepted by the debtor system"), str(summary.accepted)),
            (_("Invoices / reminders sent"), f"{summary.invoices} / {summary.reminders}"),
            (_("Claims paid (coverage in the library)"), counted(summary.paid)),
            (_("Claims written off"), counted(summary.written_off)),
            (_("Claims handed over for collection (PSRM)"), counted(summary.collected)),
            (_("Open error tasks"), str(summary.errors_by_cause.total())),
            *((f"  {code}", str(count)) for code, count in sorted(summary.errors_by_cause.items())),
            (
                _("Reconciliation"),
                summary.reconciliation_error
                or _("%(library)d claims in the ledger, %(debtor)d in the debtor system")
                % {"library": summary.library_claims, "debtor": summary.debtor_claims},
            ),
            (_("Discrepancies"), str(summary.discrepancies)),
        ]
        for label, value in rows:
            table.add_row(label, value)
        console.print(table)
        at = addresses(landscape)
        places = [
            (_("Back-office"), at["staff_url"], logins["staff"]),
            (_("Citizen page"), at["citizen_url"], logins["citizen"]),
            (_("Fees API (FBS), OAuth client"), at["fees_url"], logins["fees_client"]),
            (_("Service platform"), at["platform_admin_url"], logins["platform_admin"]),
            (_("Debtor system, staff"), at["debtor_staff_url"], logins["debtor_staff"]),
            (
                _("Debtor system, citizen portal"),
                at["portal_url"],
                _("MitID simulator: the citizen's CPR (in %(file)s), code %(code)s")
                % {"file": landscape.root / "LOGINS.txt", "code": landscape.logins.mitid_code},
            ),
        ]
        if "guardian" in logins:
            places.insert(
                2,
                (
                    _("Citizen page, as guardian"),
                    at["citizen_url"],
                    _("the guardian's CPR and PIN (in %(file)s)")
                    % {"file": landscape.root / "LOGINS.txt"},
                ),
            )
        for title, address, login in places:
            console.print(f"[bold]{title}[/bold]\n  {address}\n  {_('Login')}: {login}")


def addresses(landscape: Landscape) -> dict[str, str]:
    """Where each login of LOGINS.txt signs in (the ports are the demo's own)."""
    agency, library = MUNICIPALITY.agency_id, landscape.library.base_url
    debtor, instance = landscape.debtor.base_url, MUNICIPALITY.instance
    return {
        "staff_url": f"{library}/kommuner/{agency}/",
        "citizen_url": f"{library}/borger/{agency}/",
        "fees_url": f"{library}/external/agencyid/patron/patronid/fees/v2",
        "platform_admin_url": f"{landscape.broker.base_url}/",
        "debtor_staff_url": f"{debtor}/sagsbehandler/{instance}/",
        "portal_url": f"{debtor}/betalingsoverblik/{instance}/log-ind/",
    }


def counted(tally: Tally) -> str:
    return f"{tally.count} ({format_kroner(tally.amount_ore)})"


def new_pin() -> str:
    return f"{secrets.randbelow(10_000):04d}"


def wait_for_ctrl_c(console: Console) -> None:
    stop = stop_on_signals()
    console.print(_("Running. Press Ctrl-C to stop."))
    stop.wait()


def _invoice_a_new_fee(citizen: Patron, landscape: Landscape) -> None:
    """Whether anyone of age still has an open invoice once the calendar has run varies with
    the day the demo runs; if no one has, the citizen gets a late fee today, which is handed
    over and invoiced in the debtor system's next daily run."""
    claim = new_fee(citizen)
    deadline = time.monotonic() + 120
    while not claim.events.filter(kind=EventKind.ACCEPTED).exists():
        if time.monotonic() > deadline:
            raise CommandError(_("The new late fee did not reach the debtor system."))
        time.sleep(0.2)
    landscape.debtor.manage("clock", "--advance-days=1")
