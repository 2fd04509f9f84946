import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from linli.errors import ValidationFailed
from snapshots import images
from snapshots.tests.factories import jpeg, png


def test_gps_exif_is_gone_after_cleaning():
    upload = jpeg(gps=True)
    assert Image.open(io.BytesIO(upload.read())).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    upload.seek(0)
    clean = images.clean_image(upload)
    data = clean.content.read()
    out = Image.open(io.BytesIO(data))
    assert out.format == "JPEG"
    assert not out.getexif()
    assert b"Exif" not in data and b"TestPhone" not in data


def test_orientation_is_applied_before_metadata_goes():
    clean = images.clean_image(jpeg(size=(60, 20), orientation=6))  # 6: rotate 90° to show upright
    assert (clean.width, clean.height) == (20, 60)


def test_png_with_transparency_becomes_a_jpeg():
    clean = images.clean_image(png())
    assert Image.open(io.BytesIO(clean.content.read())).format == "JPEG"


def test_large_photos_are_scaled_down():
    clean = images.clean_image(jpeg(size=(4000, 3000)))
    assert max(clean.width, clean.height) == images.LONG_SIDE


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%%EOF", content_type="application/pdf"),
        SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not a jpeg at all", content_type="image/jpeg"),
        SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 40, content_type="image/jpeg"),
        SimpleUploadedFile("empty.jpg", b"", content_type="image/jpeg"),
    ],
)
def test_a_non_image_is_refused_with_a_clear_message(upload):
    with pytest.raises(ValidationFailed) as exc:
        images.clean_image(upload)
    assert exc.value.code == "not_an_image"
    assert upload.name in str(exc.value.message) or "为空" in str(exc.value.message)


def test_too_many_bytes_is_refused(monkeypatch):
    monkeypatch.setattr(images, "MAX_BYTES", 100)
    with pytest.raises(ValidationFailed) as exc:
        images.clean_image(jpeg(size=(200, 200)))
    assert exc.value.code == "photo_too_big"


def test_too_many_pixels_is_refused(monkeypatch):
    monkeypatch.setattr(images, "MAX_PIXELS", 100)
    with pytest.raises(ValidationFailed) as exc:
        images.clean_image(jpeg(size=(20, 20)))
    assert exc.value.code == "photo_too_big"
