"""Checking and cleaning uploaded photos before anything is stored.

The file's content decides, never its name or declared type: Pillow must recognise it as one of
the formats phones produce. It is then decoded and encoded again as a fresh JPEG. That drops
EXIF (GPS position, phone model, time), XMP and comments, because a new file carries only what we
write into it; the photo is first turned upright from its EXIF orientation, which is lost too.
Large photos are scaled down: 1600 px on the long side is plenty to see a rubbish heap.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from linli.errors import ValidationFailed

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 48-megapixel phone photo is 8000×6000; decompression bombs are far bigger
LONG_SIDE = 1600
ALLOWED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP"}


@dataclass(frozen=True)
class CleanImage:
    content: ContentFile
    width: int
    height: int

    @property
    def size(self) -> int:
        return self.content.size


def _read(upload) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise _too_big()
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(MAX_BYTES + 1) if hasattr(upload, "read") else bytes(upload)
    if len(data) > MAX_BYTES:
        raise _too_big()
    if not data:
        raise ValidationFailed(_("The photo is empty."), code="not_an_image")
    return data


def _too_big() -> ValidationFailed:
    return ValidationFailed(
        _("A photo may be %(mb)s MB at most.") % {"mb": MAX_BYTES // (1024 * 1024)}, code="photo_too_big"
    )


def _not_an_image(name: str) -> ValidationFailed:
    return ValidationFailed(
        _("“%(name)s” is not a photo. Please choose a JPEG, PNG or WebP image.") % {"name": name[:60]},
        code="not_an_image",
    )


def clean_image(upload, *, max_long_side: int = LONG_SIDE, quality: int = 82) -> CleanImage:
    """A cleaned JPEG from an uploaded file, or ValidationFailed saying why not."""
    name = getattr(upload, "name", "") or _("the file")
    data = _read(upload)
    with warnings.catch_warnings():
        # Pillow warns (and above twice the limit raises) on huge pixel counts: both are refusals.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = Image.open(io.BytesIO(data))
            if probe.format not in ALLOWED_FORMATS:
                raise _not_an_image(name)
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise ValidationFailed(
                    _("The photo is too large (%(w)s×%(h)s pixels).") % {"w": width, "h": height}, code="photo_too_big"
                )
            probe.verify()  # structural check; the image must be opened again after it
            image = Image.open(io.BytesIO(data))
            image.load()
        except ValidationFailed:
            raise
        except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _not_an_image(name) from None
        except (OSError, SyntaxError, ValueError):
            # Truncated or corrupt files raise any of these from inside the decoders.
            raise _not_an_image(name) from None
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, (255, 255, 255))
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    image.thumbnail((max_long_side, max_long_side))
    out = io.BytesIO()
    # No exif=, no icc_profile=, no comment: the new file carries pixels only.
    image.convert("RGB").save(out, format="JPEG", quality=quality, optimize=True)
    return CleanImage(content=ContentFile(out.getvalue(), name="photo.jpg"), width=image.width, height=image.height)
