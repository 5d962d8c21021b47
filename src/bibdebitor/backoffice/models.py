"""The back-office's own journals: every change to an agency's integration set-up, every
sign-off on the go-live checklist, and every dry run staff looked at. All append-only."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bibdebitor.common.appendonly import AppendOnlyModel
from bibdebitor.domain.golive import Status
from bibdebitor.ledger.models import Agency


class SettingChange(AppendOnlyModel):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="setting_changes")
    field = models.CharField(_("setting"), max_length=50)
    old_value = models.CharField(_("before"), max_length=300, blank=True)
    new_value = models.CharField(_("after"), max_length=300, blank=True)
    changed_by = models.CharField(_("by"), max_length=150)
    changed_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("setting change")
        verbose_name_plural = _("setting changes")

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value} → {self.new_value}"


class SignOff(AppendOnlyModel):
    """A manual go-live task marked done, not relevant, or reopened (the newest row counts)."""

    STATUSES = [
        (Status.DONE.value, _("done")),
        (Status.NOT_APPLICABLE.value, _("not relevant")),
        (Status.OPEN.value, _("reopened")),
    ]

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="sign_offs")
    task = models.CharField(_("task"), max_length=40)
    status = models.CharField(_("status"), max_length=20, choices=STATUSES)
    note = models.TextField(_("note"), blank=True)
    signed_by = models.CharField(_("by"), max_length=150)
    signed_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")
        indexes = [models.Index(fields=["agency", "task", "-id"])]
        permissions = [
            ("view_checklist", _("Can see the go-live checklist")),
            ("signoff_task", _("Can sign off go-live tasks")),
            ("change_integration", _("Can change the integration set-up and switch it on")),
            ("view_cleansing", _("Can see the data-cleansing report")),
            ("view_dashboard", _("Can see the dashboard")),
        ]

    def __str__(self) -> str:
        return f"{self.task}: {self.status}"
