"""FBS as the debtor integration knows it: the values KOMBIT's ordering tasks tell a
municipality to give its debtor vendor (seed 003, "Bestil teknisk systemopsætning – KMD Opus",
"Bestil rute – Fujitsu-kommuner"). Pure data."""

from __future__ import annotations

import uuid

SYSTEM_NAME = "FBS Cicero"  # Fagsystemnavn
SYSTEM_UUID = uuid.UUID("91aa26ad-cab7-4e83-8230-9bf35a076a55")  # Fagsystemnavn UUID
SORTIMENT_UUID = uuid.UUID("846cf516-a2f4-4d41-afbc-0cd0c6dddd95")  # Fagsystem sortiment UUID
# The ØiR operations to tick (KMD's form).
OPERATIONS = (
    "SF1590_B_01 Afsend DebitorRegistrering",
    "SF1590_B_01A Afsend DækningAfskrivningRegistrering",
)
# Fujitsu's form: the coverage service FBS offers, with its tables' references.
FUJITSU_SERVICE_NAME = "DækningAfskrivningRegistreringAfsend"  # tabel 12
FUJITSU_ENTITY_ID = "http://cicero-fbs.com/service/DaekningAfskrivningRegistreringAfsend/2"
FUJITSU_DATATYPE = "DækningAfskrivningRegistreringAfsend_v1"  # InfRef, tabel 13
