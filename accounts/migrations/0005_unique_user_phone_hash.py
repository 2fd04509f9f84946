from django.db import migrations, models


class Migration(migrations.Migration):
    # After 0004 filled the blind index: one account per mobile number, as the clear column's
    # unique constraint said before. Accounts without a number hold "" and are left out.
    dependencies = [("accounts", "0004_encrypt_user_phones_and_rename_phone_usernames")]
    operations = [
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                condition=models.Q(("phone_hash", ""), _negated=True),
                fields=("phone_hash",),
                name="user_unique_phone_hash",
            ),
        ),
    ]
