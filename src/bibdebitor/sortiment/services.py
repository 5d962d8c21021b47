"""The sortiment: which class is published on a day, versioning, and an agency's extension."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.db.models import Q

from bibdebitor.domain.catalogue import ORG_UNIT_FACET
from bibdebitor.domain.errors import DomainError, gettext_noop
from bibdebitor.ledger.models import Agency
from bibdebitor.sortiment.models import Facet, SortimentClass


def published_on(day: dt.date) -> Q:
    return Q(published_from__lte=day) & (Q(published_to__isnull=True) | Q(published_to__gt=day))


def class_for(facet: str, user_key: str, day: dt.date) -> SortimentClass:
    try:
        return SortimentClass.objects.get(
            published_on(day), facet__user_key=facet, user_key=user_key, agency=None
        )
    except SortimentClass.DoesNotExist:
        raise DomainError(
            "no_published_class", gettext_noop("No class is published for that key on that day.")
        ) from None


@transaction.atomic
def replace_class(old: SortimentClass, *, title: str, on: dt.date) -> SortimentClass:
    """Retire ``old`` from ``on`` and publish its successor under the same user-facing key.
    Claims already sent keep the old class's UUID."""
    if old.published_to is not None:
        raise DomainError("class_retired", gettext_noop("The class is already retired."))
    if on <= old.published_from:
        raise DomainError(
            "class_replace_date",
            gettext_noop("A class can only be replaced after it was published."),
        )
    old.published_to = on
    old.save(update_fields=["published_to"])
    return SortimentClass.objects.create(
        uuid=uuid.uuid4(),
        facet=old.facet,
        user_key=old.user_key,
        title=title,
        published_from=on,
        replaces=old,
        agency=old.agency,
    )


@transaction.atomic
def extend_with_org_unit(
    agency: Agency, *, unit: uuid.UUID, title: str, on: dt.date
) -> SortimentClass:
    """The municipality's organisational unit in "Organisationsenheder for debitorkontoen";
    its UUID becomes the agency's *Debitorkonto organisatorisk reference*."""
    current = SortimentClass.objects.filter(
        published_on(on), agency=agency, facet__user_key=ORG_UNIT_FACET
    ).first()
    if current is not None:
        if current.uuid == unit:
            return current
        current.published_to = on
        current.save(update_fields=["published_to"])
    extension = SortimentClass.objects.create(
        uuid=unit,
        facet=Facet.objects.get(user_key=ORG_UNIT_FACET),
        user_key=str(unit),
        title=title,
        published_from=on,
        agency=agency,
    )
    agency.org_unit_uuid = unit
    agency.save(update_fields=["org_unit_uuid"])
    return extension


class ClassBook:
    """Every common class in memory, for resolving many claims' classes without a query each."""

    def __init__(self) -> None:
        self._classes: dict[tuple[str, str], list[tuple[dt.date, dt.date | None, uuid.UUID]]] = {}
        rows = (
            SortimentClass.objects.filter(agency=None)
            .order_by("pk")
            .values_list("facet__user_key", "user_key", "published_from", "published_to", "uuid")
        )
        for facet, key, start, end, class_uuid in rows:
            self._classes.setdefault((facet, key), []).append((start, end, class_uuid))

    def __eq__(self, other: object) -> bool:  # the same classes, published the same days
        return isinstance(other, ClassBook) and other._classes == self._classes

    __hash__ = None  # type: ignore[assignment]  # mutable contents

    def uuid_for(self, facet: str, user_key: str, day: dt.date) -> uuid.UUID:
        for start, end, class_uuid in self._classes.get((facet, user_key), []):
            if start <= day and (end is None or day < end):
                return class_uuid
        raise DomainError(
            "no_published_class", gettext_noop("No class is published for that key on that day.")
        )
