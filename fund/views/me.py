"""A resident's fund pages: the requests open for comment in their community, comments and
questions under their own login (shown with a masked name)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fund import selectors, services
from fund.models import Comment, DisclosureReport, Question, RequestStatus
from linli.errors import DomainError, NotFound
from residents.selectors import resident_for_self


@login_required
def home(request):
    resident = resident_for_self(user=request.user)
    fund = selectors.public_funds().filter(community_id=resident.community_id).first()
    if fund is None:
        return render(request, "fund/me_home.html", {"fund": None, "resident": resident})
    return render(
        request,
        "fund/me_home.html",
        {
            "fund": fund,
            "resident": resident,
            "open": selectors.public_requests(fund=fund).filter(status=RequestStatus.COMMENT),
            "recent": selectors.public_requests(fund=fund).exclude(status=RequestStatus.COMMENT)[:10],
            "my_comments": Comment.objects.filter(author=request.user).select_related("spending_request")[:20],
            "my_questions": Question.objects.filter(author=request.user).select_related("spending_request")[:20],
        },
    )


@login_required
@require_POST
def comment(request, spending_request_id: int):
    r = selectors.public_request_get(spending_request_id=spending_request_id)
    try:
        services.comment_add(user=request.user, request=r, text=request.POST.get("text", ""))
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Thank you: your comment is published with the request."))
    return redirect("fund_public:request", r.pk)


@login_required
@require_POST
def ask(request):
    resident = resident_for_self(user=request.user)
    fund = selectors.public_funds().filter(community_id=resident.community_id).first()
    if fund is None:
        raise NotFound()
    r = report = None
    try:
        if request.POST.get("spending_request"):
            r = selectors.public_request_get(spending_request_id=int(request.POST["spending_request"]))
        if request.POST.get("report"):
            report = DisclosureReport.objects.filter(pk=int(request.POST["report"]), fund=fund).first()
            if report is None:
                raise NotFound()
        services.question_ask(user=request.user, fund=fund, text=request.POST.get("text", ""), request=r, report=report)
    except ValueError:
        raise NotFound() from None
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Your question is published; the committee will answer in public."))
    if r is not None:
        return redirect("fund_public:request", r.pk)
    if report is not None:
        return redirect("fund_public:report", report.pk)
    return redirect("fund_public:fund", fund.community_id)
