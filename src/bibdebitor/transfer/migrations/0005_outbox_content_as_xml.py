"""The outbox keeps each message's content as the XML it is sent as, instead of JSON that the
sender turned into protocol messages and then into XML on every send. Messages already in the
outbox are written out with the codec, as the sender would have (its readers of the JSON live
on here, the only place that still reads it)."""

import datetime as dt
import uuid

from django.db import migrations, models

CHUNK = 2_000


def _class_ref(data):
    from bibdebitor.protocol.messages import ClassRef

    return ClassRef(uuid.UUID(data["uuid"]), data["user_key"])


def _party(data):
    from bibdebitor.protocol.messages import Party

    return Party(**data)


def _account(data):
    from bibdebitor.protocol.messages import Account

    return Account(
        data["reference"],
        _class_ref(data["account_type"]),
        uuid.UUID(data["org_unit"]),
        _party(data["liable"]),
        (),
    )


def _claim(data):
    from bibdebitor.protocol.messages import NewClaim, SubClaim

    day = dt.date.fromisoformat
    return NewClaim(
        event_id=uuid.UUID(data["event_id"]),
        claim_id=data["claim_id"],
        claim_type=_class_ref(data["claim_type"]),
        amount_ore=data["amount_ore"],
        founded_on=day(data["founded_on"]),
        due_date=day(data["due_date"]),
        last_timely_payment_date=day(data["last_timely_payment_date"]),
        description=data["description"],
        sub_claims=tuple(SubClaim(**sub) for sub in data["sub_claims"]),
    )


def _operation(kind, data):
    from bibdebitor.protocol.messages import ChangeClaimState, ChangeLiableParty, StateAction

    if kind == "change_party":
        return ChangeLiableParty(
            event_id=uuid.UUID(data["event_id"]),
            account_reference=data["account_reference"],
            liable=_party(data["liable"]),
            effective_on=dt.date.fromisoformat(data["effective_on"]),
        )
    return ChangeClaimState(
        event_id=uuid.UUID(data["event_id"]),
        account_reference=data["account_reference"],
        claim_id=data["claim_id"],
        action=StateAction(data["action"]),
        effective_on=dt.date.fromisoformat(data["effective_on"]),
        amount_ore=data["amount_ore"],
        reason=data["reason"],
    )


def _as_xml(kind, payload):
    from bibdebitor.protocol import codec

    if kind == "create":
        return codec.claim_xml(_claim(payload["claim"])), codec.account_xml(
            _account(payload["account"])
        )
    return codec.operation_xml(_operation(kind, payload)), ""


def write_content(apps, schema_editor):
    OutboxMessage = apps.get_model("transfer", "OutboxMessage")
    rows = OutboxMessage.objects.values_list("pk", "kind", "payload").order_by("pk")
    with schema_editor.connection.cursor() as cursor:
        batch = []
        for pk, kind, payload in rows.iterator(chunk_size=CHUNK):
            batch.append((*_as_xml(kind, payload), pk))
            if len(batch) == CHUNK:
                _update(cursor, batch)
                batch = []
        _update(cursor, batch)


def only_when_empty(apps, schema_editor):
    if apps.get_model("transfer", "OutboxMessage").objects.exists():
        raise RuntimeError("the outbox's XML is not turned back into JSON: empty the outbox first")


def _update(cursor, batch):
    cursor.executemany(
        "UPDATE transfer_outboxmessage SET content = %s, account_content = %s WHERE id = %s",
        batch,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("transfer", "0004_outbox_metrics_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="content",
            field=models.TextField(default="", verbose_name="content"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="account_content",
            field=models.TextField(blank=True, default="", verbose_name="account content"),
            preserve_default=False,
        ),
        migrations.RunPython(write_content, only_when_empty),
        migrations.RemoveField(model_name="outboxmessage", name="payload"),
    ]
