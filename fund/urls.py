from django.urls import path

from fund.views import staff

app_name = "fund"

urlpatterns = [
    path("", staff.home, name="home"),
    path("setup/", staff.setup, name="setup"),
    path("committee/", staff.committee, name="committee"),
    path("requests/", staff.request_list, name="request_list"),
    path("requests/new/", staff.request_new, name="request_new"),
    path("requests/<int:spending_request_id>/", staff.request_detail, name="request_detail"),
    path("requests/<int:spending_request_id>/edit/", staff.request_edit, name="request_edit"),
    path("requests/<int:spending_request_id>/submit/", staff.request_submit, name="request_submit"),
    path("requests/<int:spending_request_id>/vote/", staff.request_vote, name="request_vote"),
    path("requests/<int:spending_request_id>/to-charity/", staff.request_to_charity, name="request_to_charity"),
    path("requests/<int:spending_request_id>/return/", staff.request_return, name="request_return"),
    path("requests/<int:spending_request_id>/withdraw/", staff.request_withdraw, name="request_withdraw"),
    path("requests/<int:spending_request_id>/approve/", staff.request_approve, name="request_approve"),
    path("requests/<int:spending_request_id>/pay/", staff.request_pay, name="request_pay"),
    path("requests/<int:spending_request_id>/report/", staff.request_report, name="request_report"),
    path("requests/<int:spending_request_id>/close/", staff.request_close, name="request_close"),
    path("requests/<int:spending_request_id>/disclose/", staff.report_project, name="report_project"),
    path("donations/", staff.donations, name="donations"),
    path("donations/<int:fund_donation_id>/receipt/", staff.donation_receipt, name="donation_receipt"),
    path("income/", staff.income, name="income"),
    path("reports/", staff.reports, name="reports"),
    path("reports/<int:fund_report_id>/correct/", staff.report_correct, name="report_correct"),
    path("questions/", staff.questions, name="questions"),
    path("questions/<int:fund_question_id>/answer/", staff.question_answer, name="question_answer"),
    path("documents/", staff.documents, name="documents"),
    path("documents/<int:fund_document_id>/", staff.document_download, name="document"),
    path("audit/", staff.audit, name="audit"),
]
