from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiToken, User
from accounts.phone import contains_phone, normalize_phone
from accounts.selectors import phone_taken
from linli.errors import Conflict, NotFound, ValidationFailed

# No 0/o, 1/l/i: a generated username may be read out over the phone.
_USERNAME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def username_generate(*, prefix: str) -> str:
    """A username that says nothing about the person: ``prefix`` and 8 random characters
    (``r7kq2m9xa`` for a resident). Residents log in with their mobile number, so nobody has to
    remember it; it only must not be the number, which would sit in clear in every log."""
    while True:
        name = prefix + "".join(secrets.choice(_USERNAME_ALPHABET) for _ in range(8))
        if not User.objects.filter(username__iexact=name).exists():
            return name


@transaction.atomic
def user_create(
    *, username: str, password: str | None, display_name: str = "", phone: str = "", is_superuser: bool = False
) -> User:
    if contains_phone(username):
        raise ValidationFailed(
            _("A username may not contain a mobile number: the person logs in with the number itself."),
            code="username_is_phone",
        )
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(_("The username “%(name)s” is taken.") % {"name": username})
    phone_value = normalize_phone(phone) if phone else None
    if phone_value and phone_taken(phone_value):
        raise Conflict(_("This mobile number already belongs to another account."))
    user = User(
        username=username,
        display_name=display_name,
        phone=phone_value,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationFailed(" ".join(exc.messages), code="weak_password") from None
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token row and the raw token, which is never stored and shown only now."""
    name = (name or "").strip()[:100]  # the column's length: PostgreSQL refuses longer
    if not name:
        raise ValidationFailed(_("Give the token a name, e.g. the system that will use it."))
    raw, prefix, digest = ApiToken.generate()
    token = ApiToken.objects.create(user=user, name=name, prefix=prefix, digest=digest)
    return token, raw


def api_token_revoke(*, user: User, token_id: int) -> None:
    """Revoke one of the user's own tokens. Someone else's token is "not found", like any object
    outside the user's reach; revoking an already revoked token changes nothing."""
    if not ApiToken.objects.filter(pk=token_id, user=user).exists():
        raise NotFound()
    ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_token_authenticate(raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
