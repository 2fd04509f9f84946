from django.urls import path

from ledger import views

app_name = "ledger"

urlpatterns = [
    path("", views.home, name="home"),
    path("journal/", views.journal, name="journal"),
    path("trial-balance/", views.trial_balance, name="trial_balance"),
    path("verify/", views.verify, name="verify"),
    path("accounts/<int:account_id>/", views.account_statement, name="statement"),
    path("entries/<int:transaction_id>/", views.entry, name="entry"),
]
