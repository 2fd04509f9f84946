from __future__ import annotations

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa, reauth
from accounts.forms import ConfirmForm, LoginForm, OneTimeCodeForm
from accounts.models import ApiToken
from accounts.selectors import home_url_for
from accounts.services import api_token_create, api_token_revoke
from linli.errors import DomainError


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


@login_required
def second_factor(request):
    """Enrol an authenticator app (first time) or enter its code (every log-in)."""
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if request.user.is_verified():
        return redirect(next_url or home_url_for(request.scope))
    device = mfa.confirmed_device(request.user)
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=request.user, name=_("Authenticator app"), confirmed=False)
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("Confirmed. Thank you."))
            return redirect(next_url or home_url_for(request.scope))
        form.add_error("code", _("The code is wrong or has expired. Enter the code your app shows now."))
    context = {"form": form, "enrolling": enrolling, "next": next_url}
    if enrolling:
        context["qr"] = segno.make(device.config_url, micro=False).svg_data_uri(scale=5, border=2)
        context["secret"] = b32encode(device.bin_key).decode()
    return render(request, "accounts/second_factor.html", context)


@login_required
def confirm(request):
    """Re-authentication before a sensitive act (see accounts.reauth); then back to ``next``."""
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reauth.confirm(request, password=form.cleaned_data["password"], code=form.cleaned_data["code"])
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect(next_url or home_url_for(request.scope))
    has_device = mfa.confirmed_device(request.user) is not None
    return render(request, "accounts/confirm.html", {"form": form, "next": next_url, "has_device": has_device})
