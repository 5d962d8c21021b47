"""Collection rules per account type × claim type: each existing rule (per claim type) becomes
the rule of every account type, as it applied to all of them before. The columns become
required in the next migration: PostgreSQL refuses to alter a table with rows just written
in the same transaction (pending foreign-key triggers)."""

import uuid

from django.db import migrations, models

FBS_SORTIMENT_UUID = uuid.UUID("846cf516-a2f4-4d41-afbc-0cd0c6dddd95")
ACCOUNT_TYPES = (
    "BIB-GEBYR-ERSTATNING",
    "BIB-GEBYR-ERSTATNING-U18-MED-OA",
    "BIB-GEBYR-ERSTATNING-U18-UDEN-OA",
)
RULE_FIELDS = (
    "invoice_threshold_ore",
    "invoice_delay_days",
    "payment_deadline_days",
    "private_law",
    "reminder_fee_ore",
    "max_reminders",
    "reminder_interval_days",
    "hand_over",
    "hand_over_minimum_ore",
    "notice_days",
)


def account_type_uuid(key: str) -> uuid.UUID:
    return uuid.uuid5(FBS_SORTIMENT_UUID, f"DEBITORKONTOTYPE/{key}")


def one_rule_per_account_type(apps, schema_editor):
    ClaimRule = apps.get_model("debtor", "ClaimRule")
    for rule in list(ClaimRule.objects.filter(account_type_uuid__isnull=True)):
        first, *others = ACCOUNT_TYPES
        for key in others:
            ClaimRule.objects.create(
                instance_id=rule.instance_id,
                claim_type_uuid=rule.claim_type_uuid,
                user_key=rule.user_key,
                account_type_uuid=account_type_uuid(key),
                account_type_key=key,
                **{name: getattr(rule, name) for name in RULE_FIELDS},
            )
        rule.account_type_uuid, rule.account_type_key = account_type_uuid(first), first
        rule.save()


class Migration(migrations.Migration):
    dependencies = [("debtor", "0008_modulus11_choice")]

    operations = [
        migrations.RemoveConstraint(model_name="claimrule", name="rule_unique"),
        migrations.AddField(
            model_name="claimrule",
            name="account_type_uuid",
            field=models.UUIDField(null=True, verbose_name="account type"),
        ),
        migrations.AddField(
            model_name="claimrule",
            name="account_type_key",
            field=models.CharField(default="", max_length=50, verbose_name="account type"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="claimrule",
            name="collect",
            field=models.BooleanField(
                default=True,
                help_text="Off: the claims are received and lie without invoice or reminder.",
                verbose_name="collect",
            ),
        ),
        migrations.RunPython(one_rule_per_account_type, migrations.RunPython.noop),
    ]
