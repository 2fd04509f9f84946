"""Back up and restore a Linli instance: the database and the uploaded files, consistently.

A backup is one ``.tar.gz`` holding

* ``database.sqlite3`` (SQLite, copied with SQLite's online backup API, which copies a single
  consistent state while the application keeps writing) or ``database.pgdump`` (PostgreSQL,
  ``pg_dump -Fc`` run on a snapshot exported from our own REPEATABLE READ transaction, so the
  dump and the figures in the manifest describe exactly the same moment);
* ``files/media/…`` (``MEDIA_ROOT``: invoices, documents, room photos) and ``files/private/…``
  (the snapshots' private storage, ``LINLI_PRIVATE_MEDIA_ROOT``, default ``var/private``),
  copied *after* the database: files are only ever added, so every file a row of the dump
  names is already there;
* ``manifest.json``: when, which database, rows per table, each ledger book's head (sequence
  number and hash) and the sha256 of every file.

``restore`` unpacks into an empty instance (it refuses a database with tables unless forced),
then checks the result against the manifest: the same rows per table, every ledger book verifies
(``ledger.verify.book_verify``: hash chain, balances, append-only triggers) and has the recorded
head, every file has its recorded hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction

MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(Exception):
    pass


# --- where things are ------------------------------------------------------------------------


def file_roots() -> dict[str, Path]:
    """The directories of uploaded files, by their name inside the archive."""
    private = os.environ.get("LINLI_PRIVATE_MEDIA_ROOT") or getattr(settings, "LINLI_PRIVATE_MEDIA_ROOT", None)
    return {
        "media": Path(settings.MEDIA_ROOT),
        "private": Path(private) if private else Path(settings.BASE_DIR) / "var" / "private",
    }


def _pg_env(db: dict) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore from DATABASES (password via the environment)."""
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- figures read from a database (the manifest's and the check's) ---------------------------


def _figures(cursor, tables: list[str], quote) -> dict:
    counts = {}
    for table in sorted(tables):
        # Quoted names from introspection (bandit B608).
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # nosec B608
        counts[table] = cursor.fetchone()[0]
    books = []
    if "ledger_book" in tables:
        cursor.execute("SELECT id, name, head_seq, head_hash FROM ledger_book ORDER BY id")
        books = [{"id": r[0], "name": r[1], "head_seq": r[2], "head_hash": r[3]} for r in cursor.fetchall()]
    return {"tables": counts, "ledger_books": books}


def _sqlite_figures(path: Path) -> dict:
    con = sqlite3.connect(path)
    try:
        cur = con.cursor()
        cur.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
        tables = [r[0] for r in cur.fetchall()]
        return _figures(cur, tables, lambda t: '"' + t.replace('"', '""') + '"')
    finally:
        con.close()


def _db_figures(using: str = "default") -> dict:
    connection = connections[using]
    with connection.cursor() as cursor:
        return _figures(cursor, connection.introspection.table_names(cursor), connection.ops.quote_name)


# --- backup ----------------------------------------------------------------------------------


def _backup_sqlite(db: dict, work: Path) -> tuple[str, dict]:
    source = sqlite3.connect(str(db["NAME"]), timeout=60)
    target_path = work / "database.sqlite3"
    target = sqlite3.connect(target_path)
    try:
        # One step (pages=-1): the copy is of one state of the database. Writers wait on the
        # lock for that moment only; a WAL reader (this) never blocks them.
        source.backup(target)
    finally:
        target.close()
        source.close()
    return target_path.name, _sqlite_figures(target_path)


def _backup_postgres(db: dict, using: str, work: Path) -> tuple[str, dict]:
    connection = connections[using]
    target_path = work / "database.pgdump"
    args, env = _pg_env(db)
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            # The manifest's figures and pg_dump see the same snapshot: ours, exported.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            figures = _figures(cursor, connection.introspection.table_names(cursor), connection.ops.quote_name)
        result = subprocess.run(  # noqa: S603 — fixed program, arguments from settings
            ["pg_dump", "-Fc", "--no-owner", "--snapshot", snapshot, "--file", str(target_path), *args],
            env=env,
            capture_output=True,
            text=True,
        )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return target_path.name, figures


def backup_create(*, dest_dir: Path, using: str = "default") -> Path:
    """Write a backup archive into ``dest_dir`` and return its path."""
    db = settings.DATABASES[using]
    vendor = connections[using].vendor
    dest_dir.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.UTC)
    with tempfile.TemporaryDirectory(prefix="linli-backup-") as tmp:
        work = Path(tmp)
        if vendor == "sqlite":
            db_file, figures = _backup_sqlite(db, work)
        elif vendor == "postgresql":
            db_file, figures = _backup_postgres(db, using, work)
        else:
            raise BackupError(f"no backup method for {vendor}")
        files: dict[str, str] = {}
        name = f"linli-backup-{started:%Y%m%dT%H%M%S%fZ}.tar.gz"
        archive = dest_dir / name
        partial = archive.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(work / db_file, arcname=db_file)
            for root_name, root in file_roots().items():
                if not root.is_dir():
                    continue
                for path in sorted(p for p in root.rglob("*") if p.is_file()):
                    arcname = f"files/{root_name}/{path.relative_to(root).as_posix()}"
                    files[arcname] = _sha256(path)
                    tar.add(path, arcname=arcname)
            manifest = {
                "format": FORMAT,
                "created_at": started.isoformat(),
                "vendor": vendor,
                "database_file": db_file,
                **figures,
                "files": files,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(started.timestamp())
            tar.addfile(info, io.BytesIO(data))
        # Renamed only when complete: a crash mid-way never leaves something that looks like a backup.
        partial.rename(archive)
    return archive


# --- restore ---------------------------------------------------------------------------------


@dataclass
class RestoreReport:
    manifest: dict
    problems: list[str] = field(default_factory=list)
    books_verified: int = 0
    rows: int = 0
    files: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def read_manifest(archive: Path) -> dict:
    with tarfile.open(archive, "r:gz") as tar:
        member = tar.extractfile(MANIFEST)
        if member is None:
            raise BackupError("the archive has no manifest")
        return json.load(member)


def _database_is_empty(using: str) -> bool:
    connection = connections[using]
    if connection.vendor == "sqlite":
        path = Path(str(settings.DATABASES[using]["NAME"]))
        if not path.exists() or path.stat().st_size == 0:
            return True
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _restore_sqlite(db: dict, using: str, source: Path) -> None:
    connections[using].close()
    target = Path(str(db["NAME"]))
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _restore_postgres(db: dict, using: str, source: Path, force: bool) -> None:
    connections[using].close()
    args, env = _pg_env(db)
    cmd = ["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction"]
    if force:
        cmd += ["--clean", "--if-exists"]
    result = subprocess.run([*cmd, *args, str(source)], env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


def _safe_members(tar: tarfile.TarFile, prefix: str) -> list[tarfile.TarInfo]:
    members = []
    for m in tar.getmembers():
        if not m.name.startswith(prefix):
            continue
        if not m.isfile() or m.name.startswith("/") or ".." in Path(m.name).parts:
            raise BackupError(f"refusing a suspicious archive member: {m.name}")
        members.append(m)
    return members


def backup_restore(*, archive: Path, force: bool = False, using: str = "default") -> RestoreReport:
    """Restore ``archive`` into this instance's database and file directories, then check it."""
    db = settings.DATABASES[using]
    vendor = connections[using].vendor
    manifest = read_manifest(archive)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    if manifest["vendor"] != vendor:
        raise BackupError(f"the backup is of a {manifest['vendor']} database; this instance uses {vendor}")
    if not force and not _database_is_empty(using):
        raise BackupError("the database is not empty; restore into an empty one, or pass --force to overwrite it")
    roots = file_roots()
    with tempfile.TemporaryDirectory(prefix="linli-restore-") as tmp, tarfile.open(archive, "r:gz") as tar:
        db_member = tar.getmember(manifest["database_file"])
        tar.extractall(tmp, members=[db_member], filter="data")
        source = Path(tmp) / manifest["database_file"]
        if vendor == "sqlite":
            _restore_sqlite(db, using, source)
        else:
            _restore_postgres(db, using, source, force)
        for m in _safe_members(tar, "files/"):
            _, root_name, rel = m.name.split("/", 2)
            target = roots[root_name] / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(m) as src, target.open("wb") as dst:  # type: ignore[union-attr]
                shutil.copyfileobj(src, dst)
    return backup_check(manifest=manifest, using=using)


def backup_check(*, manifest: dict, using: str = "default") -> RestoreReport:
    """Compare this instance with a backup's manifest and verify every ledger book."""
    from ledger.models import Book
    from ledger.verify import book_verify

    report = RestoreReport(manifest=manifest)
    connections[using].close()
    figures = _db_figures(using)
    for table, expected in manifest["tables"].items():
        found = figures["tables"].get(table)
        if found != expected:
            report.problems.append(f"table {table}: {found} rows, the backup has {expected}")
        report.rows += found or 0
    heads = {b["id"]: b for b in figures["ledger_books"]}
    for book in manifest["ledger_books"]:
        here = heads.get(book["id"])
        if here is None or (here["head_seq"], here["head_hash"]) != (book["head_seq"], book["head_hash"]):
            report.problems.append(f"ledger book {book['id']} ({book['name']}): head differs from the backup")
    for book in Book.objects.using(using).order_by("pk"):
        result = book_verify(book=book)
        if result.ok:
            report.books_verified += 1
        else:
            report.problems.append(f"ledger book {book.pk} ({book.name}) does not verify: {result.problems[0].message}")
    roots = file_roots()
    for arcname, digest in manifest["files"].items():
        _, root_name, rel = arcname.split("/", 2)
        path = roots[root_name] / rel
        if not path.is_file() or _sha256(path) != digest:
            report.problems.append(f"file {arcname} is missing or differs")
        else:
            report.files += 1
    return report
