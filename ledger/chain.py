"""The hash chain: what exactly is hashed, so anyone can recompute it.

Each transaction's hash is SHA-256 over a canonical JSON document holding the transaction's
content and the hash of the previous transaction in the same book (64 zeros for the first).
Changing any hashed field of any transaction, or removing, inserting or reordering
transactions, changes a hash or breaks a link, which ``ledger.verify`` reports with the number
of the transaction where it happens.

Canonical JSON: keys sorted, no whitespace, UTF-8 (Chinese memos as themselves), times in UTC
with microseconds, postings sorted by (account code, unit, amount). Version ``v`` lets the
format evolve without invalidating old entries: the verifier hashes each entry with the format
its ``v`` names. docs/ledger.md shows a worked document.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

HASH_FORMAT_VERSION = 1


def iso_utc(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("ledger times must be timezone-aware")
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class ChainEntry:
    """Everything a transaction's hash covers."""

    book_id: int
    community_id: int | None
    seq: int
    occurred_at: dt.datetime
    recorded_at: dt.datetime
    kind: str
    memo: str
    source_type: str
    source_id: str
    reverses_seq: int | None
    recorded_by_id: int | None
    idempotency_key: str | None
    # (account code, unit, amount) for each posting, in any order: the document sorts them.
    postings: tuple[tuple[str, str, int], ...]
    prev_hash: str

    def document(self) -> dict:
        return {
            "v": HASH_FORMAT_VERSION,
            "book": self.book_id,
            "community": self.community_id,
            "seq": self.seq,
            "occurred_at": iso_utc(self.occurred_at),
            "recorded_at": iso_utc(self.recorded_at),
            "kind": self.kind,
            "memo": self.memo,
            "source": [self.source_type, self.source_id],
            "reverses": self.reverses_seq,
            "recorded_by": self.recorded_by_id,
            "idempotency_key": self.idempotency_key,
            "postings": sorted([code, unit, int(amount)] for code, unit, amount in self.postings),
            "prev": self.prev_hash,
        }


def canonical_bytes(entry: ChainEntry) -> bytes:
    return json.dumps(entry.document(), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def entry_hash(entry: ChainEntry) -> str:
    return hashlib.sha256(canonical_bytes(entry)).hexdigest()
