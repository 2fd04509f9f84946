"""Model fields that keep personal data encrypted in the database (linli/fieldcrypt.py).

``EncryptedTextField`` reads and writes plain strings in Python (``resident.phone``) and holds
only ciphertext in its column. It cannot be filtered or ordered on: the same number encrypts
differently every time. Every lookup other than ``isnull`` raises a FieldError, so a query that
was written for a clear column fails loudly instead of silently finding nothing; look up by the
``BlindIndexField`` next to it.

``BlindIndexField`` holds the HMAC of another field's value, computed on every save and bulk
insert from that field (``source``), so it can never drift from it.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models

from linli import fieldcrypt


class EncryptedTextField(models.TextField):
    def __init__(self, *args: Any, purpose: str, pad_to: int = 32, **kwargs: Any) -> None:
        self.purpose = purpose
        self.pad_to = pad_to
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["purpose"] = self.purpose
        if self.pad_to != 32:
            kwargs["pad_to"] = self.pad_to
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return fieldcrypt.decrypt(value, purpose=self.purpose)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return None
        return fieldcrypt.encrypt(str(value), purpose=self.purpose, pad_to=self.pad_to)

    def get_lookup(self, lookup_name: str):
        # ``exact``, ``in``, ``startswith``… on ciphertext can never match: refuse them outright.
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None

    def get_transform(self, lookup_name: str):
        return None

    def get_lookups(self):
        return {"isnull": super().get_lookups()["isnull"]}


class EncryptedJSONField(EncryptedTextField):
    """A JSON value (lists, dicts) kept encrypted: an import's rows as the file had them."""

    def from_db_value(self, value, expression, connection):
        text = super().from_db_value(value, expression, connection)
        return None if text is None else json.loads(text)

    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        if value is None:
            return None
        return fieldcrypt.encrypt(json.dumps(value, ensure_ascii=False), purpose=self.purpose, pad_to=self.pad_to)

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)


class BlindIndexField(models.CharField):
    """HMAC-SHA256 (hex) of ``source``'s value, or "" when it is empty.

    ``tail`` indexes only the last characters (the last four digits of a mobile number, which
    is how people give it on the phone); ``normalise`` turns the value into its canonical form
    before hashing (upper-case X in an ID number).
    """

    def __init__(self, *args: Any, source: str, purpose: str, tail: int | None = None, **kwargs: Any) -> None:
        self.source = source
        self.purpose = purpose
        self.tail = tail
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["purpose"] = self.purpose
        if self.tail is not None:
            kwargs["tail"] = self.tail
        for key, default in (("max_length", 64), ("editable", False), ("blank", True), ("default", "")):
            if kwargs.get(key, default) == default:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def digest(self, value: str | None) -> str:
        return index_value(value, purpose=self.purpose, tail=self.tail)

    def pre_save(self, model_instance, add: bool) -> str:
        value = self.digest(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


def index_value(value: str | None, *, purpose: str, tail: int | None = None) -> str:
    value = (value or "").strip().upper()
    if tail is not None:
        value = value[-tail:] if len(value) >= tail else ""
    return fieldcrypt.blind_index(value, purpose=purpose)


def rotate_model(model: type[models.Model], *, reindex: bool = False, batch: int = 500) -> int:
    """Re-encrypt ``model``'s encrypted columns with the first key of LINLI_FIELD_KEYS, and with
    ``reindex`` recompute its blind indexes (after LINLI_BLIND_INDEX_KEY changed). Rows already
    written with the first key are skipped unless reindexing, so running it twice (or two at
    once) is harmless. Writes with ``update()``: a rotation is not a change to the record, so it
    adds no history. Returns the number of rows rewritten."""
    from django.db import transaction
    from django.db.models import F, TextField
    from django.db.models.functions import Cast

    encrypted = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
    indexes = [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)] if reindex else []
    if not encrypted:
        return 0
    pk = model._meta.pk.attname
    # The raw ciphertext (Cast to a plain text field skips decryption) says which key wrote it.
    raw = {f"raw_{f.attname}": Cast(F(f.attname), output_field=TextField()) for f in encrypted}
    rewritten = 0
    last = None
    while True:
        qs = model._default_manager.order_by(pk).annotate(**raw)
        if last is not None:
            qs = qs.filter(**{f"{pk}__gt": last})
        rows = list(qs.values(pk, *raw)[:batch])
        if not rows:
            return rewritten
        last = rows[-1][pk]
        stale = [
            r[pk]
            for r in rows
            if reindex
            or any(v is not None and not fieldcrypt.written_with_current_key(v) for k, v in r.items() if k != pk)
        ]
        with transaction.atomic():
            # Locked while rewritten, so an edit made meanwhile is not overwritten with the old value.
            for obj in (
                model._default_manager.select_for_update()
                .filter(**{f"{pk}__in": stale})
                .only(pk, *[f.attname for f in encrypted], *{i.source for i in indexes})
            ):
                values = {f.attname: getattr(obj, f.attname) for f in encrypted}
                values |= {i.attname: i.digest(getattr(obj, i.source)) for i in indexes}
                model._default_manager.filter(**{pk: getattr(obj, pk)}).update(**values)
                rewritten += 1
