"""A community may have a second book, for its community enterprise (社区企业).

One book per (community, kind) instead of one per community. On SQLite, Django rebuilds
``ledger_book`` to change its constraints, which drops the table's append-only triggers
(ledger/triggers.py warns about this), so the triggers are reinstalled afterwards.
"""

from django.db import migrations, models
from django.db.models import Q

from ledger import triggers


def reinstall_triggers(apps, schema_editor):
    triggers.uninstall(schema_editor.connection, triggers.V1)
    triggers.install(schema_editor.connection, triggers.V1)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0002_append_only_triggers"),
    ]

    operations = [
        migrations.AlterField(
            model_name="book",
            name="kind",
            field=models.CharField(
                choices=[
                    ("community", "Community book"),
                    ("enterprise", "Community enterprise book"),
                    ("platform", "Platform book"),
                ],
                default="community",
                max_length=12,
                verbose_name="kind",
            ),
        ),
        migrations.RemoveConstraint(model_name="book", name="ledger_book_one_per_community"),
        migrations.RemoveConstraint(model_name="book", name="ledger_book_community_iff_community_kind"),
        migrations.AddConstraint(
            model_name="book",
            constraint=models.UniqueConstraint(
                fields=("community", "kind"), name="ledger_book_one_per_community_and_kind"
            ),
        ),
        migrations.AddConstraint(
            model_name="book",
            constraint=models.CheckConstraint(
                condition=Q(kind__in=["community", "enterprise"], community__isnull=False)
                | Q(kind="platform", community__isnull=True),
                name="ledger_book_community_iff_community_kind",
            ),
        ),
        migrations.RunPython(reinstall_triggers, reinstall_triggers),
    ]
