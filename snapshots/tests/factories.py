"""Photos and reports for the snapshots tests, made through the real services."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from orgs.scope import Scope
from snapshots.models import Category, Report
from snapshots.services import report_create

GPS = {1: "N", 2: (36.0, 48.0, 12.5), 3: "E", 4: (118.0, 17.0, 3.25)}


def jpeg(name: str = "photo.jpg", *, size=(64, 48), colour=(200, 30, 30), gps: bool = False, orientation: int = 0) -> SimpleUploadedFile:
    img = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestPhone"
    if gps:
        exif[ExifTags.IFD.GPSInfo] = GPS
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def png(name: str = "photo.png") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 128, 0, 128)).save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def category(code: str = "rubbish") -> Category:
    return Category.objects.get(code=code)


def report(world, side: str = "a", *, user=None, building=None, note: str = "楼下垃圾堆了三天", **kwargs) -> Report:
    user = user or world.user(f"resident_{side}")
    building = building or (world.building_a1 if side == "a" else world.building_b1)
    return report_create(
        actor=Scope(user),
        community=world.community(side),
        category=kwargs.pop("category", None) or category(),
        building=building,
        photos=kwargs.pop("photos", None) or [jpeg()],
        note=note,
        **kwargs,
    )
