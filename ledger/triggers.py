"""Database triggers that make the ledger append-only, on SQLite and on PostgreSQL.

The application never updates or deletes a transaction or a posting, but "the application
doesn't" is not a guarantee an auditor can rely on: the admin, a shell, a migration or raw SQL
could. These triggers make the database itself refuse:

* ``ledger_transaction`` and ``ledger_posting``: any UPDATE or DELETE.
* ``ledger_account``: DELETE, and an UPDATE that changes what identifies the account (book,
  community, code, type, unit, owner, the non-negative rule). The hash chain names accounts by
  code, so renaming a code would silently re-label history. ``name`` and the cached ``balance``
  may change; the verifier recomputes balances from the postings.
* ``ledger_book``: DELETE, changing its community, and moving its head backwards (which would
  hide transactions removed from the end of the chain from the verifier's head check).

The SQL is versioned and frozen: migration 0002 installs ``V1``. Never edit a version that a
migration uses; add ``V2`` and a migration that drops V1 and installs V2.

Caution for later migrations: when Django alters a ledger table on SQLite it rebuilds the table
(create, copy, drop, rename), which drops its triggers. Such a migration must reinstall them
(``RunPython`` calling ``install``). ``missing_triggers`` lets the verifier and the tests notice
if that was forgotten.

TRUNCATE is not covered: on PostgreSQL it needs table ownership (the production role should not
own the tables), and Django's test runner empties tables with it between transactional tests.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured

APPEND_ONLY_MESSAGE = "ledger rows are append-only"

# --- SQLite ---------------------------------------------------------------------------------

_SQLITE_V1_CREATE = [
    f"""CREATE TRIGGER ledger_transaction_no_update BEFORE UPDATE ON ledger_transaction
    BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}: ledger_transaction cannot be updated'); END""",
    f"""CREATE TRIGGER ledger_transaction_no_delete BEFORE DELETE ON ledger_transaction
    BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}: ledger_transaction cannot be deleted'); END""",
    f"""CREATE TRIGGER ledger_posting_no_update BEFORE UPDATE ON ledger_posting
    BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}: ledger_posting cannot be updated'); END""",
    f"""CREATE TRIGGER ledger_posting_no_delete BEFORE DELETE ON ledger_posting
    BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}: ledger_posting cannot be deleted'); END""",
    f"""CREATE TRIGGER ledger_account_fixed_identity BEFORE UPDATE ON ledger_account
    WHEN OLD.book_id IS NOT NEW.book_id OR OLD.community_id IS NOT NEW.community_id
      OR OLD.code IS NOT NEW.code OR OLD.type IS NOT NEW.type OR OLD.unit IS NOT NEW.unit
      OR OLD.owner_type IS NOT NEW.owner_type OR OLD.owner_id IS NOT NEW.owner_id
      OR OLD.non_negative IS NOT NEW.non_negative
    BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}: an account''s identity cannot be changed'); END""",
    f"""CREATE TRIGGER ledger_account_no_delete BEFORE DELETE ON ledger_account
    BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}: ledger_account cannot be deleted'); END""",
    f"""CREATE TRIGGER ledger_book_forward_only BEFORE UPDATE ON ledger_book
    WHEN OLD.community_id IS NOT NEW.community_id OR OLD.kind IS NOT NEW.kind
      OR NOT ((NEW.head_seq = OLD.head_seq AND NEW.head_hash = OLD.head_hash) OR NEW.head_seq > OLD.head_seq)
    BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}: a book''s head only moves forward'); END""",
    f"""CREATE TRIGGER ledger_book_no_delete BEFORE DELETE ON ledger_book
    BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}: ledger_book cannot be deleted'); END""",
]

SQLITE_TRIGGERS = [
    "ledger_transaction_no_update",
    "ledger_transaction_no_delete",
    "ledger_posting_no_update",
    "ledger_posting_no_delete",
    "ledger_account_fixed_identity",
    "ledger_account_no_delete",
    "ledger_book_forward_only",
    "ledger_book_no_delete",
]

# --- PostgreSQL -----------------------------------------------------------------------------
# SQLSTATE 23000 (integrity_constraint_violation) so that Django raises IntegrityError on both
# databases (SQLite's RAISE(ABORT) is a constraint error too).

_PG_V1_CREATE = [
    f"""CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}: % on % is not allowed', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END $$""",
    f"""CREATE OR REPLACE FUNCTION ledger_account_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.book_id IS DISTINCT FROM NEW.book_id OR OLD.community_id IS DISTINCT FROM NEW.community_id
           OR OLD.code IS DISTINCT FROM NEW.code OR OLD.type IS DISTINCT FROM NEW.type
           OR OLD.unit IS DISTINCT FROM NEW.unit OR OLD.owner_type IS DISTINCT FROM NEW.owner_type
           OR OLD.owner_id IS DISTINCT FROM NEW.owner_id OR OLD.non_negative IS DISTINCT FROM NEW.non_negative THEN
            RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}: an account''s identity cannot be changed'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION ledger_book_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.community_id IS DISTINCT FROM NEW.community_id OR OLD.kind IS DISTINCT FROM NEW.kind
           OR NOT ((NEW.head_seq = OLD.head_seq AND NEW.head_hash = OLD.head_hash)
                   OR NEW.head_seq > OLD.head_seq) THEN
            RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}: a book''s head only moves forward'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER ledger_transaction_no_update BEFORE UPDATE ON ledger_transaction
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()""",
    """CREATE TRIGGER ledger_transaction_no_delete BEFORE DELETE ON ledger_transaction
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()""",
    """CREATE TRIGGER ledger_posting_no_update BEFORE UPDATE ON ledger_posting
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()""",
    """CREATE TRIGGER ledger_posting_no_delete BEFORE DELETE ON ledger_posting
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()""",
    """CREATE TRIGGER ledger_account_fixed_identity BEFORE UPDATE ON ledger_account
    FOR EACH ROW EXECUTE FUNCTION ledger_account_guard()""",
    """CREATE TRIGGER ledger_account_no_delete BEFORE DELETE ON ledger_account
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()""",
    """CREATE TRIGGER ledger_book_forward_only BEFORE UPDATE ON ledger_book
    FOR EACH ROW EXECUTE FUNCTION ledger_book_guard()""",
    """CREATE TRIGGER ledger_book_no_delete BEFORE DELETE ON ledger_book
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()""",
]

_TRIGGER_TABLES = {
    "ledger_transaction_no_update": "ledger_transaction",
    "ledger_transaction_no_delete": "ledger_transaction",
    "ledger_posting_no_update": "ledger_posting",
    "ledger_posting_no_delete": "ledger_posting",
    "ledger_account_fixed_identity": "ledger_account",
    "ledger_account_no_delete": "ledger_account",
    "ledger_book_forward_only": "ledger_book",
    "ledger_book_no_delete": "ledger_book",
}

_PG_V1_DROP = [f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in _TRIGGER_TABLES.items()] + [
    "DROP FUNCTION IF EXISTS ledger_refuse_change()",
    "DROP FUNCTION IF EXISTS ledger_account_guard()",
    "DROP FUNCTION IF EXISTS ledger_book_guard()",
]
_SQLITE_V1_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]

V1 = {
    "sqlite": {"create": _SQLITE_V1_CREATE, "drop": _SQLITE_V1_DROP},
    "postgresql": {"create": _PG_V1_CREATE, "drop": _PG_V1_DROP},
}

EXPECTED_TRIGGERS = dict(_TRIGGER_TABLES)


def _run(connection: Any, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install(connection: Any, version: dict = V1) -> None:
    """Create the triggers of ``version`` for this connection's database."""
    if connection.vendor not in version:
        raise ImproperlyConfigured(f"The ledger supports SQLite and PostgreSQL, not {connection.vendor}: no append-only triggers for it.")
    _run(connection, version[connection.vendor]["create"])


def uninstall(connection: Any, version: dict = V1) -> None:
    if connection.vendor not in version:
        raise ImproperlyConfigured(f"The ledger supports SQLite and PostgreSQL, not {connection.vendor}: no append-only triggers for it.")
    _run(connection, version[connection.vendor]["drop"])


def installed_triggers(connection: Any) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'ledger_%'")
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'ledger_%' AND tgenabled <> 'D'"
            )
        else:
            return set()
        return {row[0] for row in cursor.fetchall()}


def missing_triggers(connection: Any) -> list[str]:
    """Append-only triggers that should exist but do not (or are disabled), sorted."""
    return sorted(set(EXPECTED_TRIGGERS) - installed_triggers(connection))


def drop_trigger(connection: Any, name: str) -> None:
    """Remove one trigger (for tamper tests that play an attacker with database access)."""
    table = EXPECTED_TRIGGERS[name]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER {name} ON {table}")
        else:
            cursor.execute(f"DROP TRIGGER {name}")
