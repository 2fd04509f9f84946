"""Shared set-up for the matching tests: photos made in memory, and a posted wish."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from matching import services
from orgs.scope import Scope
from residents.models import ConsentMethod, ConsentPurpose
from residents.selectors_privacy import consent_granted
from residents.services_privacy import consent_record

GPS_TAG = 0x8825


def photo(name: str = "proof.jpg", *, with_gps: bool = False, size=(64, 48)) -> SimpleUploadedFile:
    img = Image.new("RGB", size, (200, 120, 40))
    buf = io.BytesIO()
    if with_gps:
        exif = Image.Exif()
        exif[0x010F] = "TestCam"  # Make
        exif.get_ifd(GPS_TAG).update({1: "N", 2: (36.0, 48.0, 0.0), 3: "E", 4: (118.0, 3.0, 0.0)})
        img.save(buf, format="JPEG", exif=exif)
    else:
        img.save(buf, format="JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def give_wish_consent(world, resident_key: str = "a1", *, granted: bool = True, **guardian):
    """The resident's consent to publishing micro-wishes, as staff record it on their page."""
    return consent_record(
        actor=None,
        resident=world.residents[resident_key],
        purpose=ConsentPurpose.WISH,
        granted=granted,
        method=ConsentMethod.ORAL,
        note="家访时口头表示",
        **guardian,
    )


def post_wish(
    world, *, resident_key: str = "a1", by: str = "grid_a1", title: str = "一个新书包", consent: bool = True
):
    """A wish posted by the grid worker; the resident's consent is put on record first unless
    it already is (``consent=False`` leaves it as it stands)."""
    resident = world.residents[resident_key]
    if consent and not consent_granted(resident, ConsentPurpose.WISH):
        give_wish_consent(world, resident_key)
    return services.wish_post(
        actor=Scope(world.user(by)) if by else None,
        resident=resident,
        title=title,
        who_public="一位困境儿童",
        details="开学需要一个结实的书包",
        consent_note="监护人口头同意，家访时",
        estimated_fen=12000,
    )


@pytest.fixture
def wish(world):
    return post_wish(world)
