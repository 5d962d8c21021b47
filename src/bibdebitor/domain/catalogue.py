"""The FBS debtor sortiment as data: facets and classes with fixed UUIDs.

KOMBIT's real class UUIDs are in its closed integration package; ours are derived
deterministically (UUID 5) from FBS Cicero's sortiment UUID and each class's user-facing key,
so every installation and the reference debtor system agree on them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from bibdebitor.domain import fbs
from bibdebitor.domain.classification import AccountType, ClaimType

FBS_SORTIMENT_UUID = fbs.SORTIMENT_UUID

ACCOUNT_TYPE_FACET = "DEBITORKONTOTYPE"
CLAIM_TYPE_FACET = "FORDRINGSKRAVTYPE"
ORG_UNIT_FACET = "ORGANISATIONSENHED-DEBITORKONTO"


@dataclass(frozen=True, slots=True)
class CatalogueClass:
    facet: str
    user_key: str
    title: str

    @property
    def uuid(self) -> uuid.UUID:
        return uuid.uuid5(FBS_SORTIMENT_UUID, f"{self.facet}/{self.user_key}")


FACETS = {
    ACCOUNT_TYPE_FACET: "Debitorkontotype",
    CLAIM_TYPE_FACET: "Fordringskravtype",
    ORG_UNIT_FACET: "Organisationsenheder for debitorkontoen",
}

CLASSES = (
    CatalogueClass(ACCOUNT_TYPE_FACET, AccountType.STANDARD, "Biblioteksgebyrer og erstatninger"),
    CatalogueClass(
        ACCOUNT_TYPE_FACET,
        AccountType.MINOR_WITH_GUARDIAN,
        "Biblioteksgebyrer og erstatninger for personer under grænsealder med økonomisk ansvarlig",
    ),
    CatalogueClass(
        ACCOUNT_TYPE_FACET,
        AccountType.MINOR_WITHOUT_GUARDIAN,
        "Biblioteksgebyrer og erstatninger for personer under grænsealder uden økonomisk ansvarlig",
    ),
    CatalogueClass(CLAIM_TYPE_FACET, ClaimType.LATE_FEE, "Biblioteksgebyr, overskredet lånetid"),
    CatalogueClass(
        CLAIM_TYPE_FACET,
        ClaimType.REPLACEMENT_ACKNOWLEDGED,
        "Bibliotekserstatningskrav med anerkendelse eller kvittering",
    ),
    CatalogueClass(
        CLAIM_TYPE_FACET,
        ClaimType.REPLACEMENT_UNACKNOWLEDGED,
        "Bibliotekserstatningskrav uden anerkendelse eller kvittering",
    ),
)
