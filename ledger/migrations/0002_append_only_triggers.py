"""Make the ledger append-only in the database itself (see ledger/triggers.py for what and why).

RunPython rather than RunSQL because the SQL differs by database: SQLite triggers RAISE(ABORT),
PostgreSQL triggers call a plpgsql function that raises.
"""

from django.db import migrations

from ledger import triggers


def install(apps, schema_editor):
    triggers.install(schema_editor.connection, triggers.V1)


def uninstall(apps, schema_editor):
    triggers.uninstall(schema_editor.connection, triggers.V1)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0001_books_accounts_transactions_postings"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
