from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """A password needs letters and digits (MLPS 2.0 asks for complexity, not just length)."""

    def validate(self, password: str, user=None) -> None:
        if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
            raise ValidationError(_("The password must contain both letters and digits."), code="password_classes")

    def get_help_text(self) -> str:
        return _("Your password must contain both letters and digits.")
