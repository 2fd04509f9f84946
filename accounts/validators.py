"""The password policy (docs/decisions/0004-password-policy.md).

MLPS 2.0 (等保2.0) assessors expect a minimum length and a mix of character classes; OWASP ASVS
prefers length and a common-password check. ``PasswordPolicyValidator`` does the first two, read
from ``LINLI_PASSWORD_MIN_LENGTH`` and ``LINLI_PASSWORD_MIN_CLASSES`` each time it runs (so a
deployment, or a test with ``override_settings``, can change them); Django's own validators do the
rest (common passwords, similarity to the user's name, all digits). There is no forced rotation.
"""

from __future__ import annotations

import string

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

UPPER, LOWER, DIGIT, SYMBOL = "upper", "lower", "digit", "symbol"
CLASSES = (UPPER, LOWER, DIGIT, SYMBOL)

# Only the characters on a keyboard's ASCII layout count: A-Z, a-z, 0-9 and the 32 ASCII symbols.
# Chinese characters, full-width forms, accented letters and spaces belong to no class (they still
# count towards the length).
_MEMBERS = {
    UPPER: frozenset(string.ascii_uppercase),
    LOWER: frozenset(string.ascii_lowercase),
    DIGIT: frozenset(string.digits),
    SYMBOL: frozenset(string.punctuation),
}


def character_classes(password: str) -> set[str]:
    """The classes (UPPER, LOWER, DIGIT, SYMBOL) that have at least one character in the password."""
    chars = set(password)
    return {name for name, members in _MEMBERS.items() if chars & members}


def class_label(name: str) -> str:
    return {
        UPPER: _("upper-case letters"),
        LOWER: _("lower-case letters"),
        DIGIT: _("digits"),
        SYMBOL: _("symbols"),
    }[name]


def _join(names) -> str:
    return pgettext("list separator", ", ").join(class_label(name) for name in names)


class PasswordPolicyValidator:
    """At least ``min_length`` characters from at least ``min_classes`` of the four classes.

    Without options the figures come from the settings at validation time; ``OPTIONS`` in
    ``AUTH_PASSWORD_VALIDATORS`` may fix them instead.
    """

    def __init__(self, min_length: int | None = None, min_classes: int | None = None):
        self._min_length = min_length
        self._min_classes = min_classes

    @property
    def min_length(self) -> int:
        value = self._min_length if self._min_length is not None else settings.LINLI_PASSWORD_MIN_LENGTH
        if value < 1:
            raise ImproperlyConfigured(f"LINLI_PASSWORD_MIN_LENGTH must be at least 1, got {value}")
        return value

    @property
    def min_classes(self) -> int:
        value = self._min_classes if self._min_classes is not None else settings.LINLI_PASSWORD_MIN_CLASSES
        if not 0 <= value <= len(CLASSES):
            raise ImproperlyConfigured(f"LINLI_PASSWORD_MIN_CLASSES must be between 0 and 4, got {value}")
        return value

    def validate(self, password: str, user=None) -> None:
        min_length, min_classes = self.min_length, self.min_classes
        errors = []
        if len(password) < min_length:
            errors.append(
                ValidationError(
                    ngettext(
                        "The password is too short: it needs at least %(min_length)d character and has %(length)d.",
                        "The password is too short: it needs at least %(min_length)d characters and has %(length)d.",
                        min_length,
                    )
                    % {"min_length": min_length, "length": len(password)},
                    code="password_too_short",
                    params={"min_length": min_length},
                )
            )
        present = character_classes(password)
        if len(present) < min_classes:
            missing = [name for name in CLASSES if name not in present]
            errors.append(
                ValidationError(
                    _(
                        "The password must mix at least %(min_classes)d of the 4 kinds of character "
                        "(upper-case letters, lower-case letters, digits, symbols) but has %(count)d. "
                        "Add %(needed)d more from: %(missing)s."
                    )
                    % {
                        "min_classes": min_classes,
                        "count": len(present),
                        "needed": min_classes - len(present),
                        "missing": _join(missing),
                    },
                    code="password_classes",
                    params={"min_classes": min_classes},
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        min_length, min_classes = self.min_length, self.min_classes
        params = {"min_length": min_length, "min_classes": min_classes}
        if not min_classes:
            return (
                ngettext(
                    "Your password must have at least %(min_length)d character.",
                    "Your password must have at least %(min_length)d characters.",
                    min_length,
                )
                % params
            )
        return (
            ngettext(
                "Your password must have at least %(min_length)d character and mix at least %(min_classes)d of "
                "the 4 kinds of character: upper-case letters, lower-case letters, digits and symbols (such as "
                "- _ ! @ #). Chinese characters and spaces are allowed but belong to none of the kinds.",
                "Your password must have at least %(min_length)d characters and mix at least %(min_classes)d of "
                "the 4 kinds of character: upper-case letters, lower-case letters, digits and symbols (such as "
                "- _ ! @ #). Chinese characters and spaces are allowed but belong to none of the kinds.",
                min_length,
            )
            % params
        )
