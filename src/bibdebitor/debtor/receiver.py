"""Receiving DebitorRegistreringAfsend: apply each event once, answer with a business receipt.

Dedupe happens twice: a transaction seen before is answered with the very receipt it got then;
an event seen before (resent inside a new transaction) gets its earlier outcome again; a claim
id already registered is accepted without a second claim. So at-least-once delivery has an
exactly-once effect. Rejections carry a code and a Danish text for the library's staff.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone

from bibdebitor.common import bulk
from bibdebitor.debtor import clock, coverage
from bibdebitor.debtor.models import (
    Account,
    ClaimEntry,
    CreditEntry,
    DebtorClaim,
    EntryKind,
    InboundEvent,
    InboundTransaction,
    Instance,
    Liability,
    MappingEntry,
    Reception,
    SenderSystem,
)
from bibdebitor.domain.debtor_claims import (
    Entry,
    StateRefused,
    cancel,
    fold,
    reopen,
    write_down,
)
from bibdebitor.domain.identifiers import is_substitute_cpr, passes_modulus11
from bibdebitor.protocol.client import compress
from bibdebitor.protocol.codec import encode
from bibdebitor.protocol.messages import Account as AccountMessage
from bibdebitor.protocol.messages import (
    BusinessReceipt,
    ChangeClaimState,
    ChangeLiableParty,
    CoverageKind,
    CreateAccounts,
    EventReceipt,
    NewClaim,
    Operation,
    Outcome,
    Party,
    RegistrationRequest,
    Service,
    StateAction,
)

_Op = TypeVar("_Op", ChangeClaimState, ChangeLiableParty)

REJECTIONS = {
    "KLASSE_IKKE_MAPPET": "Klassen {key} findes ikke i debitorsystemets omsætningstabel.",
    "ERSTATNINGSCPR_AFVIST": "Debitorsystemet modtager ikke erstatnings-CPR-numre.",
    "MODULUS11_AFVIST": "CPR-nummeret består ikke den modulus 11-kontrol, debitorsystemet kræver.",
    "UKENDT_FORDRING": "Fordringen findes ikke i debitorsystemet.",
    "UKENDT_DEBITORKONTO": "Debitorkontoen findes ikke i debitorsystemet.",
    "FORKERT_DEBITORKONTO": "Fordringen hører til en anden debitorkonto.",
    "BELOEB_MANGLER": "En nedskrivning skal have et beløb.",
    "BELOEB_OVERSTIGER_SALDO": "Nedskrivningen er større end fordringens restsaldo.",
    "FORDRING_ANNULLERET": "Fordringen er annulleret.",
    "FORDRING_IKKE_ANNULLERET": "Kun en annulleret fordring kan genåbnes.",
    "DELFORDRINGER_SUM": "Delfordringernes beløb svarer ikke til fordringens beløb.",
}


class Refused(Exception):
    def __init__(self, code: str, **values: str) -> None:
        super().__init__(code)
        self.code = code
        self.text = REJECTIONS[code].format(**values)


def receive_registration(
    instance: Instance, sender: SenderSystem, request: RegistrationRequest, raw: bytes
) -> bytes:
    """The receipt (SOAP envelope bytes) for a request, applying it at most once."""
    transaction_id = request.header.transaction_id
    try:
        with transaction.atomic():
            return _receive(instance, sender, request, raw)
    except IntegrityError:
        # A resend of the same transaction was applied concurrently: answer as it was answered.
        stored = InboundTransaction.objects.filter(transaction_id=transaction_id).first()
        if stored is None:
            raise
        Reception.objects.create(
            transaction_id=transaction_id, event_count=stored.event_count, replayed=True
        )
        return bytes(stored.receipt)


def _receive(
    instance: Instance, sender: SenderSystem, request: RegistrationRequest, raw: bytes
) -> bytes:
    transaction_id = request.header.transaction_id
    event_count = len(request.event_ids())
    stored = InboundTransaction.objects.filter(transaction_id=transaction_id).first()
    Reception.objects.create(
        transaction_id=transaction_id, event_count=event_count, replayed=stored is not None
    )
    if stored is not None:
        return bytes(stored.receipt)
    registry = _Registry(instance, sender, request)
    lines: list[EventReceipt] = []
    for operation in request.operations:
        lines.extend(registry.apply(operation))
    registry.record(transaction_id, lines)
    receipt = encode(
        BusinessReceipt(Service.REGISTRATION, request.header.reply(timezone.now()), tuple(lines))
    )
    InboundTransaction.objects.create(
        transaction_id=transaction_id,
        sender=sender,
        event_count=event_count,
        request_gz=compress(raw),
        receipt=receipt,
    )
    return receipt


def _accepted(event_id: uuid.UUID, claim_id: str = "") -> EventReceipt:
    return EventReceipt(event_id, Outcome.ACCEPTED, claim_id=claim_id)


def _refused(event_id: uuid.UUID, claim_id: str, refusal: Refused) -> EventReceipt:
    return EventReceipt(event_id, Outcome.REJECTED, claim_id, refusal.code, refusal.text)


class _Registry:
    """One request's work, with what it needs loaded up front in a few queries."""

    def __init__(
        self, instance: Instance, sender: SenderSystem, request: RegistrationRequest
    ) -> None:
        self.instance = instance
        self.sender = sender
        self.today = clock.today()
        self.rules = instance.profile
        self.mapping = dict(
            MappingEntry.objects.filter(instance=instance).values_list("class_uuid", "payment_type")
        )
        event_ids = request.event_ids()
        self.seen = {
            row.event_id: row for row in InboundEvent.objects.filter(event_id__in=event_ids)
        }
        references, claim_ids = _keys(request.operations)
        accounts = Account.objects.filter(instance=instance, reference__in=references)
        self.accounts: dict[str, int] = dict(accounts.values_list("reference", "pk"))
        # By claim id alone: filtering on the account's instance in SQL lets SQLite's planner
        # start from every account of the instance, which grows with each batch.
        self.claims = {
            c.claim_id: c
            for c in DebtorClaim.objects.filter(claim_id__in=claim_ids).select_related("account")
            if c.account.instance_id == instance.pk
        }
        self.created: set[str] = set()  # the claims this request registers

    # --- operations ---------------------------------------------------------------------

    def apply(self, operation: Operation) -> list[EventReceipt]:
        if isinstance(operation, CreateAccounts):
            return self._create(operation)
        if isinstance(operation, ChangeClaimState):
            return [self._once(operation.event_id, operation.claim_id, self._change, operation)]
        return [self._once(operation.event_id, "", self._change_party, operation)]

    def _earlier(self, event_id: uuid.UUID, claim_id: str) -> EventReceipt | None:
        """The outcome this event got when it came before, if it did."""
        earlier = self.seen.get(event_id)
        if earlier is None:
            return None
        if earlier.accepted:
            return _accepted(event_id, claim_id)
        return EventReceipt(event_id, Outcome.REJECTED, claim_id, earlier.code, earlier.text)

    def _once(
        self,
        event_id: uuid.UUID,
        claim_id: str,
        action: Callable[[_Op], object],
        operation: _Op,
    ) -> EventReceipt:
        earlier = self._earlier(event_id, claim_id)
        if earlier is not None:
            return earlier
        try:
            action(operation)
        except Refused as refusal:
            return _refused(event_id, claim_id, refusal)
        return _accepted(event_id, claim_id)

    def _create(self, operation: CreateAccounts) -> list[EventReceipt]:
        refusals = self._open_accounts(operation.accounts)
        lines: list[EventReceipt] = []
        new_claims: list[tuple[dict[str, object], NewClaim]] = []
        for message in operation.accounts:
            refusal = refusals.get(message.reference)
            if refusal is not None:
                lines += [_refused(c.event_id, c.claim_id, refusal) for c in message.claims]
                continue
            account_id = self.accounts[message.reference]
            for claim in message.claims:
                earlier = self._earlier(claim.event_id, claim.claim_id)
                if earlier is not None:
                    lines.append(earlier)
                    continue
                if claim.claim_id in self.claims or claim.claim_id in self.created:
                    lines.append(_accepted(claim.event_id, claim.claim_id))  # already registered
                    continue
                try:
                    row = self._new_claim(account_id, claim)
                except Refused as refused:
                    lines.append(_refused(claim.event_id, claim.claim_id, refused))
                    continue
                self.created.add(claim.claim_id)
                new_claims.append((row, claim))
                lines.append(_accepted(claim.event_id, claim.claim_id))
        self._save_claims(new_claims)
        return lines

    def _open_accounts(self, messages: Iterable[AccountMessage]) -> dict[str, Refused]:
        """Make the accounts not seen before, in bulk; return why any could not be made."""
        refusals: dict[str, Refused] = {}
        new: dict[str, tuple[dict[str, object], Party]] = {}
        for message in messages:
            if message.reference in self.accounts or message.reference in new:
                continue
            try:
                payment_type = self._payment_type(
                    message.account_type.uuid, message.account_type.user_key
                )
                manual = self._check_party(message.liable)
            except Refused as refusal:
                refusals[message.reference] = refusal
                continue
            account = {
                "instance_id": self.instance.pk,
                "sender_id": self.sender.pk,
                "reference": message.reference,
                "account_type_uuid": message.account_type.uuid,
                "payment_type": payment_type,
                "org_unit_uuid": message.org_unit,
                "manual": manual,
            }
            new[message.reference] = (account, message.liable)
        rows = [account for account, _ in new.values()]
        pks = bulk.insert_numbered(Account, rows, ("instance_id", "reference"))
        self.accounts.update(zip(new, pks, strict=True))
        bulk.insert_values(
            Liability,
            [
                _liability(pk, party, self.today)
                for pk, (_, party) in zip(pks, new.values(), strict=True)
            ],
        )
        return refusals

    def _new_claim(self, account_id: int, claim: NewClaim) -> dict[str, object]:
        """A ``DebtorClaim`` row's values."""
        payment_type = self._payment_type(claim.claim_type.uuid, claim.claim_type.user_key)
        if sum(sub.amount_ore for sub in claim.sub_claims) != claim.amount_ore:
            raise Refused("DELFORDRINGER_SUM")
        return {
            "account_id": account_id,
            "claim_id": claim.claim_id,
            "claim_type_uuid": claim.claim_type.uuid,
            "payment_type": payment_type,
            "amount_ore": claim.amount_ore,
            "founded_on": claim.founded_on,
            "due_date": claim.due_date,
            "last_timely_payment_date": claim.last_timely_payment_date,
            "description": claim.description,
            "received_on": self.today,
        }

    def _save_claims(self, new_claims: list[tuple[dict[str, object], NewClaim]]) -> None:
        if not new_claims:
            return
        pks = bulk.insert_numbered(
            DebtorClaim, [row for row, _ in new_claims], ("account_id", "claim_id")
        )
        bulk.insert_values(
            ClaimEntry,
            [
                {
                    "claim_id": pk,
                    "kind": EntryKind.REGISTERED,
                    "amount_ore": claim.amount_ore,
                    "delta_ore": claim.amount_ore,
                    "event_id": claim.event_id,
                    "effective_on": claim.founded_on,
                }
                for pk, (_, claim) in zip(pks, new_claims, strict=True)
            ],
        )

    def _claim(self, claim_id: str) -> DebtorClaim | None:
        claim = self.claims.get(claim_id)
        if claim is None and claim_id in self.created:  # registered earlier in this request
            claim = DebtorClaim.objects.select_related("account").get(
                account__instance=self.instance, claim_id=claim_id
            )
            self.claims[claim_id] = claim
        return claim

    def _change(self, change: ChangeClaimState) -> None:
        claim = self._claim(change.claim_id)
        if claim is None:
            raise Refused("UKENDT_FORDRING")
        if claim.account.reference != change.account_reference:
            raise Refused("FORKERT_DEBITORKONTO")
        state = fold(claim.entries.order_by("id").values_list("kind", "amount_ore", "delta_ore"))
        try:
            if change.action is StateAction.CANCEL:
                changes = cancel(state)
            elif change.action is StateAction.WRITE_DOWN:
                changes = write_down(state, change.amount_ore)
            else:
                changes = reopen(state)
        except StateRefused as refused:
            raise Refused(refused.code) from None
        day = change.effective_on
        for kind, amount, delta in changes:
            if kind is Entry.PAYMENT_TO_CREDIT:
                _paid_to_credit(claim, amount, day)
            else:
                ClaimEntry.objects.create(
                    claim=claim,
                    kind=kind,
                    amount_ore=amount,
                    delta_ore=delta,
                    event_id=change.event_id,
                    effective_on=day,
                )

    def _change_party(self, change: ChangeLiableParty) -> None:
        account_id = self.accounts.get(change.account_reference)
        if account_id is None:
            raise Refused("UKENDT_DEBITORKONTO")
        self._check_party(change.liable)
        bulk.insert_values(Liability, [_liability(account_id, change.liable, change.effective_on)])

    # --- rules ----------------------------------------------------------------------------

    def _payment_type(self, class_uuid: uuid.UUID, user_key: str) -> str:
        payment_type = self.mapping.get(class_uuid)
        if payment_type is None:
            raise Refused("KLASSE_IKKE_MAPPET", key=user_key)
        return payment_type

    def _check_party(self, party: Party) -> bool:
        """Refuse a party the vendor cannot take; True if it goes to the manual queue."""
        if not party.cpr:
            return False
        if is_substitute_cpr(party.cpr):
            if self.rules.accepts_substitute_cpr:
                return False
            if self.instance.uses_manual_queue:
                return True
            raise Refused("ERSTATNINGSCPR_AFVIST")
        if self.instance.requires_modulus11 and not passes_modulus11(party.cpr):
            raise Refused("MODULUS11_AFVIST")
        return False

    def record(self, transaction_id: uuid.UUID, lines: Iterable[EventReceipt]) -> None:
        bulk.insert_values(
            InboundEvent,
            [
                {
                    "event_id": line.event_id,
                    "transaction_id": transaction_id,
                    "claim_id": line.claim_id,
                    "accepted": line.outcome is Outcome.ACCEPTED,
                    "code": line.code,
                    "text": line.text,
                }
                for line in lines
                if line.event_id not in self.seen
            ],
        )


def _keys(operations: Iterable[Operation]) -> tuple[set[str], set[str]]:
    references: set[str] = set()
    claim_ids: set[str] = set()
    for operation in operations:
        if isinstance(operation, CreateAccounts):
            for account in operation.accounts:
                references.add(account.reference)
                claim_ids.update(c.claim_id for c in account.claims)
        else:
            references.add(operation.account_reference)
            if isinstance(operation, ChangeClaimState):
                claim_ids.add(operation.claim_id)
    return references, claim_ids


def _liability(account_id: int, party: Party, effective_on: dt.date) -> dict[str, object]:
    """A ``Liability`` row's values (``bulk.insert_values``)."""
    return {
        "account_id": account_id,
        "cpr": party.cpr,
        "cvr": party.cvr,
        "p_number": party.p_number,
        "gln": party.gln,
        "name": party.name,
        "street": party.street,
        "postcode": party.postcode,
        "city": party.city,
        "effective_on": effective_on,
    }


def _paid_to_credit(claim: DebtorClaim, paid: int, day: dt.date) -> None:
    """Book what was paid on a claim being cancelled onto the account's credit, and tell the
    library (docs/protocol.md, "Cancelling a paid claim")."""
    ClaimEntry.objects.create(
        claim=claim,
        kind=EntryKind.PAYMENT_TO_CREDIT,
        amount_ore=paid,
        delta_ore=paid,
        effective_on=day,
        note="Fordringen er annulleret: det indbetalte er flyttet til tilgodehavende",
    )
    CreditEntry.objects.create(account=claim.account, delta_ore=paid, effective_on=day)
    coverage.enqueue(
        claim.account,
        CoverageKind.PAYMENT_REVERSED,
        day,
        claim=claim,
        amount_ore=paid,
        text="Fordringen er annulleret: det indbetalte står som tilgodehavende hos kommunen",
    )
