"""The sortiment (SF7001/SF7002 style): facets and versioned classes. Each agency extends it
with its organisational unit."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bibdebitor.common.appendonly import AppendOnlyModel
from bibdebitor.ledger.models import Agency


class Facet(models.Model):
    user_key = models.CharField(_("user-facing key"), max_length=50, unique=True)
    title = models.CharField(_("title"), max_length=300)

    class Meta:
        verbose_name = _("facet")
        verbose_name_plural = _("facets")

    def __str__(self) -> str:
        return self.title


class SortimentClass(models.Model):
    """A class. Retiring one sets ``published_to`` (exclusive) and publishes a successor with
    the same user-facing key and a new UUID; claims keep the class they were sent with."""

    uuid = models.UUIDField(_("UUID"), unique=True)
    facet = models.ForeignKey(Facet, on_delete=models.PROTECT, related_name="classes")
    user_key = models.CharField(_("user-facing key"), max_length=50)
    title = models.CharField(_("title"), max_length=300)
    published_from = models.DateField(_("published from"))
    published_to = models.DateField(_("published until"), null=True, blank=True)
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sortiment_classes",
        help_text=_("Set for a municipality's own extension, e.g. its organisational unit"),
    )

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["facet", "user_key", "published_from"]
        indexes = [models.Index(fields=["facet", "user_key", "published_from"])]

    def __str__(self) -> str:
        return f"{self.user_key}: {self.title}"


class DryRun(AppendOnlyModel):
    """A cut-over dry run as it was made: at a real size it reads every claim (tens of
    seconds for a million), so staff run it once and then read it, export it and compare."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="dry_runs")
    cutoff = models.DateField(_("cut-off date"))
    code = models.CharField(_("dry-run code"), max_length=20)
    result = models.JSONField(_("result"))
    made_by = models.CharField(_("by"), max_length=150)
    made_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("dry run")
        verbose_name_plural = _("dry runs")
        indexes = [models.Index(fields=["agency", "cutoff"])]

    def __str__(self) -> str:
        return f"{self.cutoff}: {self.code}"
