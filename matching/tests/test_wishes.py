"""Micro-wishes: posting with consent and without identifying text, one claimant, proof photo,
thanks, withdrawal, the log, and the service record."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from PIL import Image

from linli.errors import Conflict, Forbidden, NotFound, ValidationFailed
from matching import selectors, services
from matching.models import Wish, WishEvent, WishStatus
from matching.tests.conftest import GPS_TAG, give_wish_consent, photo, post_wish
from orgs.scope import ANONYMOUS, Scope
from records.models import ProviderKind, ServiceRecord
from residents.models import ConsentMethod, ConsentPurpose, ConsentRecord

pytestmark = pytest.mark.django_db


def S(world, name):
    return Scope(world.user(name))


def test_a_grid_worker_posts_a_wish_for_a_resident_of_their_grid(world, wish):
    assert (wish.status, wish.grid, wish.resident) == ("posted", world.grid_a1, world.residents["a1"])
    assert [e.action for e in wish.events.all()] == ["posted"]
    with pytest.raises(NotFound):  # a2 lives in grid 2, not grid_a1's
        post_wish(world, resident_key="a2")
    with pytest.raises(NotFound):
        post_wish(world, resident_key="b1")
    with pytest.raises(NotFound):
        post_wish(world, by="volunteer_a")


@pytest.mark.parametrize(
    "field,text",
    [
        ("who_public", "张丽君老人"),
        ("title", "给丽君奶奶一个轮椅"),
        ("details", "住在1号楼的老人"),
        ("details", "3单元301室"),
        ("details", "联系电话13800000101"),
    ],
)
def test_text_that_identifies_the_resident_is_refused(world, field, text):
    kwargs = {"title": "轮椅维修", "who_public": "一位八旬独居老人", "details": "", field: text}
    with pytest.raises(ValidationFailed) as exc:
        services.wish_post(
            actor=S(world, "grid_a1"), resident=world.residents["a1"], consent_note="本人同意", **kwargs
        )
    assert exc.value.code == "identifying"
    assert Wish.objects.count() == 0


def test_consent_is_required(world):
    with pytest.raises(ValidationFailed) as exc:
        services.wish_post(
            actor=S(world, "grid_a1"), resident=world.residents["a1"], title="书包", who_public="一位儿童", consent_note=" "
        )
    assert exc.value.code == "consent_required"


def test_a_wish_is_claimed_once(world, wish):
    claimed = services.wish_claim(actor=S(world, "volunteer_a"), wish=wish, promise=True, display_name="爱心志愿者")
    assert (claimed.status, claimed.claimant, claimed.claimant_display) == ("claimed", world.user("volunteer_a"), "爱心志愿者")
    with pytest.raises(Conflict):
        services.wish_claim(actor=S(world, "resident_b"), wish=Wish.objects.get(pk=wish.pk), promise=True)
    assert Wish.objects.get(pk=wish.pk).claimant == world.user("volunteer_a")


def test_claiming_needs_a_login_a_promise_and_someone_else(world, wish):
    with pytest.raises(Forbidden):
        services.wish_claim(actor=ANONYMOUS, wish=wish, promise=True)
    with pytest.raises(ValidationFailed):
        services.wish_claim(actor=S(world, "volunteer_a"), wish=wish, promise=False)
    with pytest.raises(ValidationFailed):  # resident_a is the wisher
        services.wish_claim(actor=S(world, "resident_a"), wish=wish, promise=True)
    assert Wish.objects.get(pk=wish.pk).status == WishStatus.POSTED


def test_anyone_logged_in_may_claim_even_from_another_community(world, wish):
    services.wish_claim(actor=S(world, "resident_b"), wish=wish, promise=True)
    assert [w.pk for w in selectors.wish_list_claimed_by(user=world.user("resident_b"))] == [wish.pk]


def test_the_claimant_releases_and_someone_else_claims(world, wish):
    services.wish_claim(actor=S(world, "volunteer_a"), wish=wish, promise=True)
    with pytest.raises(NotFound):  # neither claimant nor grid worker
        services.wish_release(actor=S(world, "resident_b"), wish=Wish.objects.get(pk=wish.pk))
    services.wish_release(actor=S(world, "volunteer_a"), wish=Wish.objects.get(pk=wish.pk), reason="出差")
    w = Wish.objects.get(pk=wish.pk)
    assert (w.status, w.claimant) == ("posted", None)
    services.wish_claim(actor=S(world, "resident_b"), wish=w, promise=True)
    assert [e.action for e in w.events.all()] == ["posted", "claimed", "released", "claimed"]


def test_fulfilment_needs_a_photo_and_records_a_free_service_for_the_wisher(world, wish):
    services.wish_claim(actor=S(world, "volunteer_a"), wish=wish, promise=True, display_name="志愿者小李")
    w = Wish.objects.get(pk=wish.pk)
    with pytest.raises(ValidationFailed):
        services.wish_fulfil(actor=S(world, "volunteer_a"), wish=w, photo=None)
    w = services.wish_fulfil(actor=S(world, "volunteer_a"), wish=w, photo=photo(), note="书包已送到")
    assert w.status == WishStatus.FULFILLED and w.proof.name
    record = ServiceRecord.objects.get(source_type="matching.wish", source_id=w.pk)
    assert (record.resident, record.tier, record.provider_kind, record.served_by) == (
        world.residents["a1"], "free", ProviderKind.VOLUNTEER, world.user("volunteer_a")
    )
    assert w.service_record_id == record.pk
    with pytest.raises(Conflict):  # fulfilling twice
        services.wish_fulfil(actor=S(world, "volunteer_a"), wish=Wish.objects.get(pk=w.pk), photo=photo())
    assert ServiceRecord.objects.filter(source_type="matching.wish").count() == 1


def test_staff_claimants_record_the_service_as_the_communitys(world, wish):
    services.wish_claim(actor=S(world, "staff_a"), wish=wish, promise=True)
    services.wish_fulfil(actor=S(world, "grid_a1"), wish=Wish.objects.get(pk=wish.pk), photo=photo())
    assert ServiceRecord.objects.get(source_type="matching.wish").provider_kind == ProviderKind.COMMUNITY


def test_a_non_image_upload_is_refused_with_a_clear_message(world, wish):
    services.wish_claim(actor=S(world, "volunteer_a"), wish=wish, promise=True)
    fake = SimpleUploadedFile("proof.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    with pytest.raises(ValidationFailed) as exc:
        services.wish_fulfil(actor=S(world, "volunteer_a"), wish=Wish.objects.get(pk=wish.pk), photo=fake)
    assert exc.value.code == "not_an_image" and "不是照片" in str(exc.value.message)
    big = SimpleUploadedFile("big.jpg", b"\xff" * (5 * 1024 * 1024 + 1), content_type="image/jpeg")
    with pytest.raises(ValidationFailed) as exc:
        services.wish_fulfil(actor=S(world, "volunteer_a"), wish=Wish.objects.get(pk=wish.pk), photo=big)
    assert exc.value.code == "photo_too_big"
    assert Wish.objects.get(pk=wish.pk).status == WishStatus.CLAIMED


def test_the_proof_photo_loses_its_exif_location(world, wish):
    upload = photo(with_gps=True)
    with Image.open(io.BytesIO(upload.read())) as original:
        assert original.getexif().get_ifd(GPS_TAG)  # the fixture really carries a position
    upload.seek(0)
    services.wish_claim(actor=S(world, "volunteer_a"), wish=wish, promise=True)
    w = services.wish_fulfil(actor=S(world, "volunteer_a"), wish=Wish.objects.get(pk=wish.pk), photo=upload)
    with default_storage.open(w.proof.name) as stored, Image.open(stored) as img:
        exif = img.getexif()
        assert not exif.get_ifd(GPS_TAG) and 0x010F not in exif
        assert img.format == "JPEG"


def test_thanks_are_entered_by_the_grid_worker_after_fulfilment(world, wish):
    services.wish_claim(actor=S(world, "volunteer_a"), wish=wish, promise=True)
    with pytest.raises(Conflict):
        services.wish_thank(actor=S(world, "grid_a1"), wish=Wish.objects.get(pk=wish.pk), thanks="谢谢")
    services.wish_fulfil(actor=S(world, "volunteer_a"), wish=Wish.objects.get(pk=wish.pk), photo=photo())
    with pytest.raises(NotFound):
        services.wish_thank(actor=S(world, "volunteer_a"), wish=Wish.objects.get(pk=wish.pk), thanks="谢谢")
    w = services.wish_thank(actor=S(world, "grid_a1"), wish=Wish.objects.get(pk=wish.pk), thanks="孩子很喜欢新书包，谢谢！")
    assert w.status == WishStatus.THANKED
    assert [e.action for e in w.events.all()] == ["posted", "claimed", "fulfilled", "thanked"]
    assert all(e.actor for e in w.events.all())


def test_a_withdrawn_wish_leaves_the_wall_and_cannot_be_claimed(world, wish):
    services.wish_withdraw(actor=S(world, "grid_a1"), wish=wish, reason="老人已由亲属解决")
    assert list(selectors.public_wishes(community=world.community_a)) == []
    with pytest.raises(Conflict):
        services.wish_claim(actor=S(world, "volunteer_a"), wish=Wish.objects.get(pk=wish.pk), promise=True)


def test_wish_lists_are_scoped(world, wish):
    assert list(selectors.wish_list_for_user(scope=S(world, "grid_a1"), community=world.community_a)) == [wish]
    assert list(selectors.wish_list_for_user(scope=S(world, "staff_a"), community=world.community_a)) == [wish]
    assert list(selectors.wish_list_for_user(scope=S(world, "staff_b"), community=world.community_a)) == []
    for name in ("staff_b", "resident_a", "volunteer_a", "partner_a"):
        with pytest.raises(NotFound):
            selectors.wish_get_for_user(scope=S(world, name), wish_id=wish.pk)


# --- Consent (PIPL art. 14, 31): a ConsentRecord for the micro-wish purpose ---------------------


def _post(world, resident_key: str = "a1", **kwargs):
    args = {"title": "轮椅维修", "who_public": "一位八旬独居老人", "consent_note": "本人口头同意，家访时"} | kwargs
    return services.wish_post(actor=S(world, "grid_a1"), resident=world.residents[resident_key], **args)


def _nothing_written() -> bool:
    return not Wish.objects.exists() and not WishEvent.objects.exists() and not ConsentRecord.objects.exists()


def test_without_a_consent_on_record_the_wish_is_refused_and_nothing_is_written(world):
    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        _post(world)
    assert exc.value.code == "no_consent" and "has not agreed" in str(exc.value.message)
    assert _nothing_written()
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as exc:
        _post(world)
    assert "尚未同意公开发布微心愿" in str(exc.value.message)
    assert _nothing_written()


def test_with_a_consent_on_record_the_wish_is_posted(world):
    give_wish_consent(world, "a1")
    wish = _post(world)
    assert wish.status == WishStatus.POSTED and ConsentRecord.objects.count() == 1


def test_the_worker_records_the_consent_with_the_wish(world):
    wish = _post(world, record_consent=True, consent_method=ConsentMethod.WRITTEN)
    record = ConsentRecord.objects.get()
    assert (record.resident, record.purpose, record.granted, record.method) == (
        world.residents["a1"], ConsentPurpose.WISH, True, ConsentMethod.WRITTEN,
    )
    assert (record.recorded_by, record.note) == (world.user("grid_a1"), "本人口头同意，家访时")
    assert wish.consent_note == record.note



def test_the_consent_and_the_wish_are_written_together_or_not_at_all(world, monkeypatch):
    from matching.services import wishes

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(wishes, "_log", fail)  # fails after the consent was recorded
    with pytest.raises(RuntimeError):
        _post(world, record_consent=True)
    assert _nothing_written()


def test_a_withdrawn_consent_refuses_and_takes_the_open_wishes_down(world):
    give_wish_consent(world, "a1")
    _post(world, title="轮椅维修")
    claimed, done = _post(world, title="上门理发"), _post(world, title="一台收音机")
    services.wish_claim(actor=S(world, "volunteer_a"), wish=claimed, promise=True)
    services.wish_claim(actor=S(world, "volunteer_a"), wish=done, promise=True)
    services.wish_fulfil(actor=S(world, "volunteer_a"), wish=Wish.objects.get(pk=done.pk), photo=photo())

    give_wish_consent(world, "a1", granted=False)  # the resident changed their mind

    with pytest.raises(ValidationFailed) as exc:
        _post(world, title="一个新书包")
    assert exc.value.code == "no_consent"
    statuses = dict(Wish.objects.values_list("title", "status"))
    assert statuses == {"轮椅维修": "withdrawn", "上门理发": "withdrawn", "一台收音机": "fulfilled"}
    assert Wish.objects.get(pk=claimed.pk).claimant is None
    assert not selectors.public_wishes(community=world.community_a).filter(status__in=["posted", "claimed"]).exists()
    # Consenting again lets the worker post again.
    give_wish_consent(world, "a1")
    assert _post(world, title="一个新书包").status == WishStatus.POSTED


def test_a_child_under_14_needs_the_guardians_consent(world):
    from linli.testkit import make_id_number
    from residents.services import resident_create, resolve_address

    address = resolve_address(scope=None, community=world.community_a, grid_name="第一网格", building_name="1号楼", unit="2", room="7")
    birth = timezone.localdate().replace(year=timezone.localdate().year - 9, month=1, day=1)
    child = resident_create(
        actor=None, community=world.community_a, name="赵小雨", id_number=make_id_number(birth=f"{birth:%Y%m%d}", seq=301),
        address=address,
    )
    world.residents["child"] = child
    with pytest.raises(ValidationFailed) as exc:  # the worker ticks "agrees" without a guardian
        _post(world, "child", who_public="一位困境儿童", record_consent=True)
    assert exc.value.code == "guardian_required"
    assert _nothing_written()
    # A record without the guardian (made before the rule, or by hand) does not count either.
    ConsentRecord.objects.create(
        community=world.community_a, resident=child, purpose=ConsentPurpose.WISH, granted=True, method=ConsentMethod.ORAL
    )
    with pytest.raises(ValidationFailed) as exc:
        _post(world, "child", who_public="一位困境儿童")
    assert exc.value.code == "guardian_required" and not Wish.objects.exists()

    wish = _post(world, "child", who_public="一位困境儿童", record_consent=True, guardian_name="赵敏", guardian_relation="母亲")
    assert wish.status == WishStatus.POSTED
    assert ConsentRecord.objects.filter(resident=child, guardian_relation="母亲", granted=True).exists()
