"""What the matching services share: scope checks that reach down to a grid, text cleaning,
and the photo check (images only, size-limited, re-encoded without metadata)."""

from __future__ import annotations

import io
import re

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from linli.errors import NotFound, ValidationFailed
from orgs.models import NodeKind, OrgNode
from orgs.scope import Scope

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTO_SIDE = 2000
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}


def covers(actor: Scope | None, cap: str, node: OrgNode) -> bool:
    """``actor`` holds ``cap`` for ``node`` (a community, grid or building): a grant at or above
    the community, or at the grid itself (a grid worker). None is a trusted caller."""
    if actor is None or actor.is_platform_admin:
        return True
    community_id = node.pk if node.kind == NodeKind.COMMUNITY else node.community_id
    if community_id in actor.whole_community_ids(cap):
        return True
    return any(node.path.startswith(g.node_path) for g in actor.grants_with(cap))


def require_covers(actor: Scope | None, cap: str, node: OrgNode) -> None:
    if not covers(actor, cap, node):
        raise NotFound()


def user_of(actor: Scope | None):
    return actor.user if actor is not None and actor.is_authenticated else None


def clean(value: str | None, *, max_length: int, field: str, required: bool = False, multiline: bool = False) -> str:
    text = (value or "").strip() if multiline else " ".join((value or "").split())
    if required and not text:
        raise ValidationFailed(_("%(field)s is required.") % {"field": field}, code="required")
    if len(text) > max_length:
        raise ValidationFailed(
            _("%(field)s is too long (%(n)s characters at most).") % {"field": field, "n": max_length}, code="too_long"
        )
    return text


def place_in(
    community: OrgNode, grid: OrgNode | None, building: OrgNode | None
) -> tuple[OrgNode | None, OrgNode | None]:
    """Check that the grid and building lie in the community; a building implies its grid."""
    if building is not None:
        if building.kind != NodeKind.BUILDING or building.community_id != community.pk:
            raise ValidationFailed(_("That building is not in this community."), code="bad_place")
        if grid is None:
            grid = OrgNode.objects.get(pk=building.parent_id)
        elif building.parent_id != grid.pk:
            raise ValidationFailed(_("That building is not in that grid."), code="bad_place")
    if grid is not None and (grid.kind != NodeKind.GRID or grid.community_id != community.pk):
        raise ValidationFailed(_("That grid is not in this community."), code="bad_place")
    return grid, building


def check_dates(start, end, *, what: str) -> None:
    if start and end and end < start:
        raise ValidationFailed(_("%(what)s: the end comes before the start.") % {"what": what}, code="bad_dates")


# A building, unit or room ("3号楼", "2单元", "301室"), a mobile or an ID number.
_ROOM_LIKE = re.compile(r"\d+\s*(号楼|栋|幢|单元|室|号房)|1\d{10}|\d{17}[\dXx]")


def refuse_identifying(text: str, *, resident, field: str) -> None:
    """A wish is public: refuse text that names the resident or where exactly they live."""
    if not text:
        return
    name = resident.name or ""
    given = name[1:] if len(name) >= 3 else ""
    hits = [s for s in (name, given) if s and s in text]
    building = getattr(resident, "building", None)
    if building is not None and building.name and building.name in text:
        hits.append(building.name)
    if resident.room and re.search(rf"(?<!\d){re.escape(resident.room)}(?!\d)", text):
        hits.append(resident.room)
    if hits or _ROOM_LIKE.search(text):
        raise ValidationFailed(
            _(
                "%(field)s is shown publicly: leave out the resident's name, building, room and numbers "
                "(say 一位八旬独居老人, not who or where)."
            )
            % {"field": field},
            code="identifying",
        )


def clean_photo(upload) -> ContentFile:
    """The uploaded photo, checked and re-encoded as a JPEG without metadata (no EXIF location).

    Images only (Pillow must read it), 5 MB at most; anything else is refused with a message.
    """
    if upload is None:
        raise ValidationFailed(_("Add a photo as proof."), code="photo_required")
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_PHOTO_BYTES:
        raise ValidationFailed(_("A photo may be 5 MB at most."), code="photo_too_big")
    data = upload.read()
    if len(data) > MAX_PHOTO_BYTES:
        raise ValidationFailed(_("A photo may be 5 MB at most."), code="photo_too_big")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
            fmt = probe.format
        if fmt not in PHOTO_FORMATS:
            raise UnidentifiedImageError(fmt)
        with Image.open(io.BytesIO(data)) as img:
            img = ImageOps.exif_transpose(img)
            img = img.convert("RGB")
            img.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE))
            out = io.BytesIO()
            # Saved without exif=…: the copy carries no metadata, so no GPS position.
            img.save(out, format="JPEG", quality=85)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        raise ValidationFailed(
            _("That file is not a photo. Upload a JPEG, PNG or WebP image."), code="not_an_image"
        ) from None
    return ContentFile(out.getvalue(), name="proof.jpg")


def once_per_key(model, *, by, key: str | None, create):
    """Create through ``create()`` unless ``by`` already made one with this Idempotency-Key, in
    which case that one is the answer. Two requests racing with the same key: the unique
    constraint lets one insert through; the other finds it."""
    key = (key or "").strip()
    if len(key) > 100:
        raise ValidationFailed(_("An Idempotency-Key has at most 100 characters."), code="bad_idempotency_key")
    field = "raised_by" if model.__name__ == "Need" else "posted_by"
    if not key or by is None:
        return create(""), True
    existing = model.objects.filter(**{field: by, "idempotency_key": key}).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return create(key), True
    except IntegrityError:
        existing = model.objects.filter(**{field: by, "idempotency_key": key}).first()
        if existing is None:
            raise
        return existing, False
