"""Column-level encryption and blind indexes for sensitive personal information (PIPL art. 51).

The keys live outside the database (``LINLI_FIELD_KEYS``, ``LINLI_BLIND_INDEX_KEY``): a copy of
the database or of a backup alone reveals no ID number, mobile number or vulnerable-group status.
See docs/decisions/0005-field-encryption.md for what is encrypted, why, and what it costs.

A stored value reads ``v1.<key id>.<base64 of nonce + AES-256-GCM ciphertext>``. The key id is
the start of the key's SHA-256, so a value names the key that wrote it: rotation
(``manage.py rotate_field_keys``) finds what the first key did not write, and a value whose key
is missing fails loudly instead of being read with the wrong one. The ``purpose`` (which column)
is authenticated with the value, so a ciphertext copied into another column does not decrypt.
Plaintexts are padded to a multiple of ``pad_to`` bytes so the length of a value (one group or
three, a phone number or none) does not show through.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

VERSION = "v1"
NONCE_BYTES = 12


class FieldKeyError(RuntimeError):
    """A stored value cannot be decrypted: its key is not configured, or it was tampered with."""


@dataclass(frozen=True)
class _Keys:
    write_id: str
    by_id: dict[str, AESGCM]
    index_key: bytes


def key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:8]


def parse_field_keys(raw: str) -> list[bytes]:
    """``LINLI_FIELD_KEYS``: comma-separated base64 keys of 32 bytes each (AES-256)."""
    keys = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        try:
            key = base64.b64decode(item, validate=True)
        except (binascii.Error, ValueError):
            raise ImproperlyConfigured("LINLI_FIELD_KEYS: every key must be base64 (32 random bytes).") from None
        if len(key) != 32:
            raise ImproperlyConfigured(f"LINLI_FIELD_KEYS: every key must be 32 bytes, one is {len(key)}.")
        keys.append(key)
    return keys


def new_key() -> str:
    """A fresh random key, base64, for LINLI_FIELD_KEYS or LINLI_BLIND_INDEX_KEY."""
    return base64.b64encode(os.urandom(32)).decode()


@lru_cache(maxsize=1)
def _keys() -> _Keys:
    keys = parse_field_keys(",".join(settings.LINLI_FIELD_KEYS))
    if not keys:
        raise ImproperlyConfigured("LINLI_FIELD_KEYS is empty: no key to encrypt personal data with.")
    index_keys = parse_field_keys(settings.LINLI_BLIND_INDEX_KEY)
    if len(index_keys) != 1:
        raise ImproperlyConfigured("LINLI_BLIND_INDEX_KEY must be exactly one base64 key of 32 bytes.")
    if index_keys[0] in keys:
        raise ImproperlyConfigured("LINLI_BLIND_INDEX_KEY must differ from every key in LINLI_FIELD_KEYS.")
    return _Keys(write_id=key_id(keys[0]), by_id={key_id(k): AESGCM(k) for k in keys}, index_key=index_keys[0])


def _reset(*, setting: str, **kwargs) -> None:
    if setting in ("LINLI_FIELD_KEYS", "LINLI_BLIND_INDEX_KEY"):
        _keys.cache_clear()


setting_changed.connect(_reset, dispatch_uid="linli-fieldcrypt-reset")


def _pad(data: bytes, pad_to: int) -> bytes:
    # ISO/IEC 7816-4: a 0x80 byte, then zeros up to the block; unambiguous for any plaintext.
    data += b"\x80"
    return data + b"\x00" * (-len(data) % pad_to)


def _unpad(data: bytes) -> bytes:
    end = data.rstrip(b"\x00")
    if not end.endswith(b"\x80"):
        raise FieldKeyError("Decrypted value has bad padding.")
    return end[:-1]


def encrypt(plaintext: str, *, purpose: str, pad_to: int = 32) -> str:
    keys = _keys()
    nonce = os.urandom(NONCE_BYTES)
    sealed = keys.by_id[keys.write_id].encrypt(nonce, _pad(plaintext.encode(), pad_to), purpose.encode())
    return f"{VERSION}.{keys.write_id}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def is_encrypted(value: str | None) -> bool:
    return bool(value) and value.startswith(f"{VERSION}.") and value.count(".") == 2


def written_with_current_key(value: str) -> bool:
    return is_encrypted(value) and value.split(".")[1] == _keys().write_id


def decrypt(token: str, *, purpose: str) -> str:
    if not is_encrypted(token):
        raise FieldKeyError(f"{purpose}: the stored value is not an encrypted value (plaintext in the column?).")
    _version, kid, body = token.split(".")
    aead = _keys().by_id.get(kid)
    if aead is None:
        raise FieldKeyError(
            f"{purpose}: the value was encrypted with key {kid}, which is not in LINLI_FIELD_KEYS. "
            "Keep old keys in the list (after the first) until `manage.py rotate_field_keys` has run."
        )
    try:
        raw = base64.urlsafe_b64decode(body.encode())
        plain = aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], purpose.encode())
    except (InvalidTag, ValueError, binascii.Error):
        raise FieldKeyError(
            f"{purpose}: the value does not decrypt with key {kid} (wrong key or altered data)."
        ) from None
    return _unpad(plain).decode()


def blind_index(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of a normalised value under the blind-index key: equal values give equal
    digests, so the database can look up and enforce uniqueness without holding the value.
    ``purpose`` separates columns, so equal digits in two columns do not give equal digests."""
    if not value:
        return ""
    return hmac.new(_keys().index_key, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()
