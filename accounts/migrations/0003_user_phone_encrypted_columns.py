import linli.encrypted_fields
from django.db import migrations


class Migration(migrations.Migration):
    # The account's mobile number becomes ciphertext with a blind index beside it, like the
    # resident's own (residents 0003). 0004 encrypts the numbers already stored and fills the
    # index; 0005 then makes the index unique (one account per number).

    dependencies = [
        ("accounts", "0002_user_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicaluser",
            name="phone_hash",
            field=linli.encrypted_fields.BlindIndexField(purpose="accounts.user.phone", source="phone"),
        ),
        migrations.AddField(
            model_name="user",
            name="phone_hash",
            field=linli.encrypted_fields.BlindIndexField(purpose="accounts.user.phone", source="phone"),
        ),
        migrations.AlterField(
            model_name="historicaluser",
            name="phone",
            field=linli.encrypted_fields.EncryptedTextField(
                blank=True, null=True, purpose="accounts.user.phone", verbose_name="mobile number"
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="phone",
            field=linli.encrypted_fields.EncryptedTextField(
                blank=True, null=True, purpose="accounts.user.phone", verbose_name="mobile number"
            ),
        ),
    ]
