"""Setting up an instance: the sortiment subscription, the mapping table and the collection
rules (KOMBIT's go-live tasks "Opsæt abonnement", "Gennemfør mapning", "Opsæt regler i
debitor"), as services the command line, the demo and the tests share."""

from __future__ import annotations

from collections.abc import Collection

from django.db import transaction

from bibdebitor.debtor.models import (
    ClaimRule,
    Instance,
    MappingEntry,
    SortimentSubscription,
    SubscribedClass,
)
from bibdebitor.domain.catalogue import (
    ACCOUNT_TYPE_FACET,
    CLAIM_TYPE_FACET,
    CLASSES,
    FBS_SORTIMENT_UUID,
    CatalogueClass,
)
from bibdebitor.domain.classification import AccountType, ClaimType
from bibdebitor.domain.collection import CollectionRule

MAPPED_FACETS = (ACCOUNT_TYPE_FACET, CLAIM_TYPE_FACET)

# A rule for each account type × claim type: the sourced, conservative regime everywhere
# (domain.collection.CollectionRule); a municipality that treats replacement claims as
# public-law changes those rules itself. A minor without a guardian is invoiced but never
# handed over for collection: "Børn under 18 år kan ikke drages til ansvar" (reference B.4);
# a municipality may also let such claims lie without any collection (seed 003).
DEFAULT_RULES = {
    (account_type, claim_type): CollectionRule(
        hand_over=account_type is not AccountType.MINOR_WITHOUT_GUARDIAN
    )
    for account_type in AccountType
    for claim_type in ClaimType
}


@transaction.atomic
def subscribe(instance: Instance) -> SortimentSubscription:
    """Subscribe to FBS's debtor sortiment, recording the classes it holds."""
    subscription, _ = SortimentSubscription.objects.get_or_create(
        instance=instance, sortiment_uuid=FBS_SORTIMENT_UUID
    )
    for catalogue_class in CLASSES:
        SubscribedClass.objects.update_or_create(
            subscription=subscription,
            class_uuid=catalogue_class.uuid,
            defaults={
                "facet": catalogue_class.facet,
                "user_key": catalogue_class.user_key,
                "title": catalogue_class.title,
            },
        )
    return subscription


@transaction.atomic
def map_sortiment(instance: Instance, leave_unmapped: Collection[str] = frozenset()) -> None:
    """A payment type for every mapped class (``BIB01``…), except the keys left out."""
    mapped = [c for c in CLASSES if c.facet in MAPPED_FACETS]
    for number, catalogue_class in enumerate(mapped, start=1):
        lines = MappingEntry.objects.filter(instance=instance, class_uuid=catalogue_class.uuid)
        if catalogue_class.user_key in leave_unmapped:
            lines.delete()
            continue
        MappingEntry.objects.update_or_create(
            instance=instance,
            class_uuid=catalogue_class.uuid,
            defaults={"user_key": catalogue_class.user_key, "payment_type": f"BIB{number:02d}"},
        )


def unmapped_classes(instance: Instance) -> list[SubscribedClass]:
    """Subscribed classes that a claim may carry but the mapping table lacks."""
    mapped = set(
        MappingEntry.objects.filter(instance=instance).values_list("class_uuid", flat=True)
    )
    classes = SubscribedClass.objects.filter(
        subscription__instance=instance, facet__in=MAPPED_FACETS
    ).order_by("facet", "user_key")
    return [c for c in classes if c.class_uuid not in mapped]


def _classes(facet: str) -> list[CatalogueClass]:
    return [c for c in CLASSES if c.facet == facet]


@transaction.atomic
def set_default_rules(instance: Instance) -> None:
    for account_type in _classes(ACCOUNT_TYPE_FACET):
        for claim_type in _classes(CLAIM_TYPE_FACET):
            rule = DEFAULT_RULES[
                (AccountType(account_type.user_key), ClaimType(claim_type.user_key))
            ]
            values = {name: getattr(rule, name) for name in CollectionRule.field_names()}
            ClaimRule.objects.update_or_create(
                instance=instance,
                account_type_uuid=account_type.uuid,
                claim_type_uuid=claim_type.uuid,
                defaults={
                    "account_type_key": account_type.user_key,
                    "user_key": claim_type.user_key,
                    **values,
                },
            )


def missing_rules(instance: Instance) -> list[str]:
    """Account type × claim type pairs of the sortiment without a collection rule here."""
    ruled = set(
        ClaimRule.objects.filter(instance=instance).values_list(
            "account_type_uuid", "claim_type_uuid"
        )
    )
    return [
        f"{a.user_key} / {c.user_key}"
        for a in _classes(ACCOUNT_TYPE_FACET)
        for c in _classes(CLAIM_TYPE_FACET)
        if (a.uuid, c.uuid) not in ruled
    ]


def setup_status(instance: Instance) -> dict[str, object]:
    """What the library's go-live checklist asks of the debtor side: subscribed to the FBS
    sortiment, every class mapped, a rule for every claim type."""
    return {
        "abonnement": instance.subscriptions.filter(sortiment_uuid=FBS_SORTIMENT_UUID).exists(),
        "umappede": [c.user_key for c in unmapped_classes(instance)],
        "regler_mangler": missing_rules(instance),
    }
