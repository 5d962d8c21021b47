"""Changing an agency's integration set-up, and switching it on, by the rules go-live needs:
every change is journalled; an active integration's cut-off date moves back only through a
fresh dry run (whose code must match), never forward; switching on waits for the checklist."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from bibdebitor.backoffice.checklist import GO_LIVE_OVERRIDE, checklist
from bibdebitor.backoffice.models import SettingChange, SignOff
from bibdebitor.domain import actors
from bibdebitor.domain.errors import DomainError, gettext_noop
from bibdebitor.domain.golive import TASKS_BY_KEY, TaskStatus, ready_to_go_live
from bibdebitor.ledger.models import Agency
from bibdebitor.transfer.activation import Activation, activate


class GoLiveBlocked(DomainError):
    def __init__(self, standing: list[TaskStatus]) -> None:
        super().__init__(
            "go_live_blocked",
            gettext_noop("The integration cannot be switched on before every task is done."),
        )
        self.standing = standing


# What every call and every handed-over claim is addressed by (SF1590's header, the account).
ADDRESSING = ("organisation_uuid", "org_unit_uuid", "sender_instance_uuid", "debtor_instance_uuid")


def _as_text(value: object) -> str:
    return "" if value is None else str(value)


def change_settings(
    agency: Agency, values: dict[str, Any], *, actor: str, preview_code: str = ""
) -> list[SettingChange]:
    """Apply the changed values and journal each; the cut-off date of an active integration
    has rules of its own (see module docstring)."""
    changed = {name: value for name, value in values.items() if getattr(agency, name) != value}
    if agency.integration_active and any(changed.get(name, "") is None for name in ADDRESSING):
        raise DomainError(
            "addressing_needed_while_active",
            gettext_noop(
                "While the integration is on, the organisation, the organisational unit and "
                "the IT system instances must stay filled in: every call and every claim is "
                "addressed by them. Switch the integration off first."
            ),
        )
    new_cutoff = changed.pop("cutoff_date", agency.cutoff_date)
    moves_cutoff = new_cutoff != agency.cutoff_date
    if moves_cutoff and agency.integration_active:
        _check_cutoff_move(agency.cutoff_date, new_cutoff)
    with transaction.atomic():
        journal = [
            SettingChange(
                agency=agency,
                field=name,
                old_value=_as_text(getattr(agency, name)),
                new_value=_as_text(value),
                changed_by=actors.check(actor),
            )
            for name, value in changed.items()
        ]
        for name, value in changed.items():
            setattr(agency, name, value)
        if changed:
            agency.save(update_fields=list(changed))
        if moves_cutoff:
            journal.append(
                SettingChange(
                    agency=agency,
                    field="cutoff_date",
                    old_value=_as_text(agency.cutoff_date),
                    new_value=_as_text(new_cutoff),
                    changed_by=actors.check(actor),
                )
            )
            _move_cutoff(agency, new_cutoff, actor=actor, preview_code=preview_code)
        SettingChange.objects.bulk_create(journal)
    return journal


def _check_cutoff_move(old: dt.date | None, new: dt.date | None) -> None:
    if new is None or (old is not None and new > old):
        raise DomainError(
            "cutoff_forward_while_active",
            gettext_noop(
                "While the integration is on, the cut-off date can only be moved back. "
                "Switch the integration off first."
            ),
        )


def _move_cutoff(agency: Agency, cutoff: dt.date | None, *, actor: str, preview_code: str) -> None:
    if not agency.integration_active:
        agency.cutoff_date = cutoff
        agency.save(update_fields=["cutoff_date"])
        return
    if not preview_code.strip():
        raise DomainError(
            "preview_code_required",
            gettext_noop(
                "Moving the cut-off date back hands over more claims: view the dry run for "
                "the new date and enter its code."
            ),
        )
    if cutoff is None:  # _check_cutoff_move refuses that while the integration is on
        raise ValueError("an active integration keeps a cut-off date")
    activate(agency, cutoff=cutoff, preview_code=preview_code, actor=actor)


def switch_on(agency: Agency, *, preview_code: str, actor: str, override: str = "") -> Activation:
    """Switch on when every task before go-live is done. An operator may switch on over open
    tasks only by giving a reason (``override``), journalled with the tasks then open."""
    standing = ready_to_go_live(checklist(agency))
    if standing and not override.strip():
        raise GoLiveBlocked(standing)
    if agency.cutoff_date is None:
        raise DomainError("no_cutoff", gettext_noop("Choose a cut-off date first."))
    with transaction.atomic():
        if standing:
            SettingChange.objects.create(
                agency=agency,
                field=GO_LIVE_OVERRIDE,
                old_value=", ".join(s.task.key for s in standing),
                new_value=override.strip(),
                changed_by=actors.check(actor),
            )
        return activate(agency, cutoff=agency.cutoff_date, preview_code=preview_code, actor=actor)


def sign_off(agency: Agency, *, task: str, status: str, note: str, actor: str) -> SignOff:
    """Record a manual go-live task's new status (journalled: the latest counts)."""
    if task not in TASKS_BY_KEY:
        raise DomainError("unknown_task", gettext_noop("There is no such task."))
    return SignOff.objects.create(
        agency=agency, task=task, status=status, note=note.strip(), signed_by=actors.check(actor)
    )
