"""The four staff roles as Django groups, kept in step with this table after every migrate.
Views check permissions, never group names, so a municipality may compose its own roles."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

LIBRARY_STAFF = "Biblioteksmedarbejdere"
DEBTOR_STAFF = "Debitormedarbejdere"
AGREEMENT_ADMINISTRATORS = "Aftaleadministratorer"
SYSTEM_ADMINISTRATORS = "Systemadministratorer"

_LOOK = ["backoffice.view_checklist", "backoffice.view_dashboard"]
ROLES: dict[str, list[str]] = {
    LIBRARY_STAFF: [
        *_LOOK,
        "backoffice.view_cleansing",
        "backoffice.signoff_task",
        "ledger.view_agency",
        "ledger.view_patron",
        "ledger.change_patron",
        "ledger.view_blocklift",
        "ledger.add_blocklift",
        "ledger.view_guardian",
        "ledger.view_guardianconsent",
        "ledger.add_guardianconsent",
        "ledger.view_claim",
        "transfer.view_errortask",
    ],
    DEBTOR_STAFF: [
        *_LOOK,
        "backoffice.signoff_task",
        "ledger.view_claim",
        "transfer.view_errortask",
        "transfer.add_errortaskresolution",
        "transfer.view_reconciliationrun",
        "transfer.add_reconciliationrun",
    ],
    AGREEMENT_ADMINISTRATORS: [*_LOOK],
    SYSTEM_ADMINISTRATORS: [
        *_LOOK,
        "backoffice.view_cleansing",
        "backoffice.signoff_task",
        "backoffice.change_integration",
        "backoffice.view_settingchange",
        "ledger.view_agency",
        "ledger.add_agency",
        "ledger.view_patron",
        "ledger.change_patron",
        "ledger.view_cpr",
        "ledger.view_blocklift",
        "ledger.add_blocklift",
        "ledger.view_guardian",
        "ledger.view_guardianconsent",
        "ledger.add_guardianconsent",
        "ledger.view_claim",
        "ledger.add_claimevent",
        "transfer.view_errortask",
        "transfer.add_errortaskresolution",
        "transfer.view_reconciliationrun",
        "transfer.add_reconciliationrun",
    ],
}


def ensure_roles(**_: object) -> None:
    for name, wanted in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions: list[Permission] = []
        for dotted in wanted:
            app_label, codename = dotted.split(".")
            permissions += Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            )
        group.permissions.set(permissions)
