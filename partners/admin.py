from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from partners.models import (
    Agreement,
    Application,
    Commitment,
    CommitmentEntry,
    ContactReveal,
    Evaluation,
    Partner,
    PartnerMember,
    RecruitmentCall,
    ServiceRating,
    StatusChange,
)


@admin.register(RecruitmentCall)
class RecruitmentCallAdmin(SimpleHistoryAdmin):
    list_display = ("title", "community", "status", "opens_on", "closes_on")
    list_filter = ("status", "community")
    raw_id_fields = ("community", "created_by")


@admin.register(Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    # Support staff see contact numbers masked here too.
    list_display = ("name", "community", "kind", "status", "contact_phone_masked", "created_at")
    list_filter = ("status", "kind", "community")
    exclude = ("contact_phone",)
    readonly_fields = ("contact_phone_masked",)
    raw_id_fields = ("community", "call", "reviewed_by")


@admin.register(Partner)
class PartnerAdmin(SimpleHistoryAdmin):
    list_display = ("name", "community", "kind", "status", "contact_phone_masked")
    list_filter = ("status", "kind", "community")
    search_fields = ("name", "credit_code")
    exclude = ("contact_phone",)
    readonly_fields = ("contact_phone_masked",)
    raw_id_fields = ("community", "application", "created_by")


@admin.register(PartnerMember)
class PartnerMemberAdmin(SimpleHistoryAdmin):
    list_display = ("user", "partner", "role", "community")
    raw_id_fields = ("community", "partner", "user", "added_by")


@admin.register(Agreement)
class AgreementAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "community", "status", "starts_on", "ends_on", "share_basis", "share_bp")
    list_filter = ("status", "community")
    raw_id_fields = ("community", "partner", "renews", "signed_by", "created_by")


@admin.register(Commitment)
class CommitmentAdmin(SimpleHistoryAdmin):
    list_display = ("title", "partner", "target", "period")
    raw_id_fields = ("community", "agreement", "partner")


@admin.register(CommitmentEntry)
class CommitmentEntryAdmin(SimpleHistoryAdmin):
    list_display = ("commitment", "occurred_on", "quantity", "recorded_as")
    raw_id_fields = ("community", "commitment", "partner", "recorded_by")


@admin.register(Evaluation)
class EvaluationAdmin(SimpleHistoryAdmin):
    list_display = ("partner", "period_start", "period_end", "staff_score", "resident_score_x100", "recommendation")
    raw_id_fields = ("community", "partner", "agreement", "evaluated_by")


@admin.register(ServiceRating)
class ServiceRatingAdmin(admin.ModelAdmin):
    list_display = ("partner", "month", "score")
    raw_id_fields = ("community", "partner", "rated_by")


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ("created_at", "entity", "object_id", "action", "from_status", "to_status", "actor")
    list_filter = ("entity", "action")
    raw_id_fields = ("community", "partner", "actor")


@admin.register(ContactReveal)
class ContactRevealAdmin(admin.ModelAdmin):
    list_display = ("created_at", "entity", "object_id", "actor", "reason")
    raw_id_fields = ("community", "actor")
