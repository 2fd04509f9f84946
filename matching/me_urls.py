from django.urls import path

from matching.views import me as views

app_name = "matching_me"

urlpatterns = [
    path("", views.home, name="home"),
    path("needs/new/", views.need_raise, name="need_raise"),
    path("claims/<int:wish_id>/", views.claim_detail, name="claim"),
    path("claims/<int:wish_id>/fulfil/", views.claim_fulfil, name="claim_fulfil"),
    path("claims/<int:wish_id>/release/", views.claim_release, name="claim_release"),
    path("claims/<int:wish_id>/proof.jpg", views.claim_proof, name="claim_proof"),
]
