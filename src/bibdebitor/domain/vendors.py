"""The four debtor systems a municipality may run, once for both sides: their keys and names
(the library's set-up and the reference debtor system's profiles store the same key) and their
rules. Pure Python."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Vendor(StrEnum):
    KMD_OPUS = "kmd_opus"
    PRISME_2015 = "prisme_2015"
    PRISME_2009 = "prisme_2009"
    EG_OS = "eg_os"


TITLES = {
    Vendor.KMD_OPUS: "KMD Opus Debitor",
    Vendor.PRISME_2015: "Fujitsu Prisme 2015",
    Vendor.PRISME_2009: "Fujitsu Prisme 2009",
    Vendor.EG_OS: "EG ØS Indsigt",
}
CHOICES = [(vendor.value, TITLES[vendor]) for vendor in Vendor]


@dataclass(frozen=True, slots=True)
class VendorRules:
    """A debtor vendor's profile (seeds 001/002/003): what it accepts and whether citizens can
    pay in its own portal. Seed 003 ("Opsæt regler i debitor"): substitute CPR "understøttes
    … kun fuldt af KMD Opus og ØS-indsigt"; for Fujitsu Prisme such claims "fejle, medmindre
    der samtidigt indføres en manuel proces" (a municipality's set-up, ``Policy``).

    No vendor is assumed to require modulus 11: CPR numbers without it are valid since 2007
    and no source says a debtor system refuses them; a municipality whose system does turns
    it on (``Policy.modulus11_required``)."""

    accepts_substitute_cpr: bool
    has_portal: bool = False
    manual_queue_available: bool = False  # substitute CPR into a queue staff handle by hand


VENDOR_RULES: dict[str, VendorRules] = {
    Vendor.KMD_OPUS: VendorRules(accepts_substitute_cpr=True, has_portal=True),
    Vendor.PRISME_2015: VendorRules(
        accepts_substitute_cpr=False, has_portal=True, manual_queue_available=True
    ),
    Vendor.PRISME_2009: VendorRules(accepts_substitute_cpr=False),
    Vendor.EG_OS: VendorRules(accepts_substitute_cpr=True),
}
LENIENT = VendorRules(accepts_substitute_cpr=True)
