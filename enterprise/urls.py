from django.urls import path

from enterprise import views

app_name = "enterprise"

urlpatterns = [
    path("", views.home, name="home"),
    path("register/", views.enterprise_create, name="create"),
    path("documents/", views.documents, name="documents"),
    path("documents/add/", views.document_add, name="document_add"),
    path("documents/<int:enterprise_document_id>/file/", views.document_download, name="document"),
    path("income/", views.incomes, name="incomes"),
    path("income/record/", views.income_record, name="income_record"),
    path("requests/", views.request_list, name="requests"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:expense_request_id>/", views.request_detail, name="request_detail"),
    path("requests/<int:expense_request_id>/decide/", views.request_decide, name="request_decide"),
    path("requests/<int:expense_request_id>/pay/", views.request_pay, name="request_pay"),
    path("requests/<int:expense_request_id>/cancel/", views.request_cancel, name="request_cancel"),
    path("approvals/", views.approvals, name="approvals"),
    path("rent/", views.rent, name="rent"),
    path("rent/invoices/", views.rent_generate, name="rent_generate"),
    path("rent/invoices/<int:rent_invoice_id>/pay/", views.rent_pay, name="rent_pay"),
    path("rent/share/", views.share_record, name="share_record"),
    path("budget/", views.budget, name="budget"),
    path("budget/set/", views.budget_set, name="budget_set"),
    path("budget/export/", views.budget_export, name="budget_export"),
    path("statement/", views.report, name="report"),
    path("statement/export/", views.report_export, name="report_export"),
    path("statement/publish/", views.statement_publish, name="statement_publish"),
    path("questions/", views.questions, name="questions"),
    path("questions/<int:enterprise_question_id>/answer/", views.question_answer, name="question_answer"),
    path("subdistrict/", views.overview, name="overview"),
    path("rules/", views.policy, name="policy"),
    path("rules/save/", views.policy_update, name="policy_update"),
]
