from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken, User, user_phone_index
from accounts.phone import is_valid_phone, normalize_phone


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    # The mobile number is encrypted and masked like everywhere else; it is changed by the
    # resident (/me/) or by staff through the resident's record, never typed in here.
    fieldsets = BaseUserAdmin.fieldsets + ((None, {"fields": ("phone_masked", "display_name")}),)
    readonly_fields = ("phone_masked",)
    list_display = ("username", "display_name", "phone_masked", "is_active", "is_superuser")
    search_fields = ("username", "display_name")

    @admin.display(description=_("mobile number"))
    def phone_masked(self, obj: User) -> str:
        return obj.phone_masked

    def get_search_results(self, request, queryset, search_term):
        # A full mobile number finds its account through the blind index; the column itself
        # holds only ciphertext.
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = (search_term or "").strip()
        if is_valid_phone(term):
            found |= queryset.filter(phone_hash=user_phone_index(normalize_phone(term)))
        return found, may_have_duplicates


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "digest", "created_at", "last_used_at")
