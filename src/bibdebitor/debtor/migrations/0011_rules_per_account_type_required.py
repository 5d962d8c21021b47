from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("debtor", "0010_payment_to_credit")]

    operations = [
        migrations.AlterField(
            model_name="claimrule",
            name="account_type_uuid",
            field=models.UUIDField(verbose_name="account type"),
        ),
        migrations.AlterField(
            model_name="claimrule",
            name="user_key",
            field=models.CharField(max_length=50, verbose_name="claim type"),
        ),
        migrations.AddConstraint(
            model_name="claimrule",
            constraint=models.UniqueConstraint(
                fields=("instance", "account_type_uuid", "claim_type_uuid"), name="rule_unique"
            ),
        ),
    ]
