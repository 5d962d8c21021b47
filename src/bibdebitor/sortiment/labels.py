"""Names shown to staff for the classification's codes."""

from django.utils.translation import gettext_lazy as _

from bibdebitor.domain.catalogue import CLASSES
from bibdebitor.domain.classification import Blocker, Cleansing

# The sortiment's own (Danish) class titles, keyed by user-facing key.
CLASS_TITLES = {item.user_key: item.title for item in CLASSES}

BLOCKERS = {
    Blocker.NO_IDENTIFIER: _("No CPR number, and no substitute CPR can be made"),
    Blocker.SUBSTITUTE_CPR_OFF: _("Substitute CPR, but substitute CPR is switched off"),
    Blocker.VENDOR_REJECTS_SUBSTITUTE: _(
        "The debtor system takes substitute CPR numbers only with a manual process (set-up)"
    ),
    Blocker.VENDOR_REJECTS_NO_MODULUS11: _(
        "The debtor system rejects CPR numbers without modulus 11"
    ),
    Blocker.COMPANY_WITHOUT_CVR: _("Company or institution without CVR number"),
    Blocker.NO_CUTOFF: _("No cut-off date"),
    Blocker.BEFORE_CUTOFF: _("Created before the cut-off date"),
    Blocker.ALREADY_TRANSFERRED: _("Already handed over"),
    Blocker.NOT_OPEN: _("Cancelled or nothing left to pay"),
}

CLEANSING = {
    Cleansing.GIVE_CPR: _("Register the CPR number"),
    Cleansing.GIVE_CVR: _("Register the CVR number"),
    Cleansing.SUBSTITUTE_WILL_BE_MADE: _("A substitute CPR will be made at hand-over"),
}
