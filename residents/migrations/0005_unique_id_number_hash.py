from django.db import migrations, models


class Migration(migrations.Migration):
    # After 0004 filled the blind index: one person per ID number in a community, as before.
    dependencies = [("residents", "0004_encrypt_existing_personal_data")]
    operations = [
        migrations.AddConstraint(
            model_name="resident",
            constraint=models.UniqueConstraint(
                fields=("community", "id_number_hash"), name="resident_unique_id_hash_in_community"
            ),
        ),
    ]
