"""What the ledger tells other parts, inside the same database transaction as the change.

The transfer engine listens to enqueue outbox messages atomically with the ledger change; a
listener that raises rolls the change back, so the ledger and the outbox never disagree.
"""

from django.dispatch import Signal

# events: list[ClaimEvent], just appended (one claim may have several, in journal order)
claim_events_appended = Signal()

# patron: Patron | None, guardian: Guardian | None, effective_on: date — a CPR/CVR changed
identifier_changed = Signal()
