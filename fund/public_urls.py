from django.urls import path

from fund.views import public

app_name = "fund_public"

urlpatterns = [
    path("", public.index, name="index"),
    path("<int:community_id>/", public.fund_page, name="fund"),
    path("requests/<int:spending_request_id>/", public.request_page, name="request"),
    path("reports/<int:fund_report_id>/", public.report_page, name="report"),
    path("reports/<int:fund_report_id>/pdf/", public.report_pdf_view, name="report_pdf"),
    path("reports/<int:fund_report_id>/xlsx/", public.report_xlsx_view, name="report_xlsx"),
    path("receipts/<uuid:fund_receipt_token>/", public.receipt, name="receipt"),
    path("receipts/<uuid:fund_receipt_token>/pdf/", public.receipt_pdf_view, name="receipt_pdf"),
    path("documents/<uuid:fund_document_token>/", public.document, name="document"),
]
