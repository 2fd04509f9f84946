"""Admin views of the ledger: for looking, never for changing.

Nothing here can add, change or delete a book's history: transactions and postings are
append-only (the database triggers would refuse anyway), and editing an account's cached balance
by hand would only make the verifier report it. Money is posted through ``ledger.services``.
"""

from django.contrib import admin

from ledger.models import Account, Book, Posting, Transaction


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Book)
class BookAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "community", "head_seq", "created_at")
    readonly_fields = [f.name for f in Book._meta.fields]


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "book", "type", "unit", "owner_type", "owner_id", "non_negative", "balance")
    list_filter = ("type", "unit", "owner_type")
    search_fields = ("code", "name")
    readonly_fields = [f.name for f in Account._meta.fields]


class PostingInline(admin.TabularInline):
    model = Posting
    fields = ("account", "amount", "unit")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin):
    list_display = ("book", "seq", "occurred_at", "kind", "memo", "recorded_by")
    list_filter = ("kind",)
    search_fields = ("memo", "source_id", "hash")
    readonly_fields = [f.name for f in Transaction._meta.fields]
    inlines = [PostingInline]
    actions = None  # no "delete selected"


@admin.register(Posting)
class PostingAdmin(ReadOnlyAdmin):
    list_display = ("transaction", "account", "amount", "unit", "occurred_at", "kind")
    readonly_fields = [f.name for f in Posting._meta.fields]
    actions = None
