from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import LoginForm
from accounts.models import ApiToken
from accounts.selectors import home_url_for
from accounts.services import api_token_create, api_token_revoke


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def home(request):
    return redirect(home_url_for(request.scope))


@login_required
def tokens(request):
    new_token = None
    if request.method == "POST":
        _token, new_token = api_token_create(user=request.user, name=request.POST.get("name", ""))
        messages.success(request, _("Token created. Copy it now: it will not be shown again."))
    rows = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(request, "accounts/tokens.html", {"tokens": rows, "new_token": new_token})


@login_required
@require_POST
def token_revoke(request, token_id: int):
    api_token_revoke(user=request.user, token_id=token_id)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:tokens")


def locked_out(request, credentials=None, *args, **kwargs):
    return render(request, "accounts/locked_out.html", {"minutes": settings.LINLI_LOCKOUT_MINUTES}, status=429)
