"""The risk register's pages: a risk's review in a period (the owner's form, the approver's steps)."""
from django.contrib.auth.decorators import login_required
from django.http import Http404


@login_required
def risk_detail(request, strategy, reference):
    raise Http404("The risk's page is not built yet.")


@login_required
def risk_review(request, strategy, reference, period):
    raise Http404


@login_required
def risk_review_submit(request, strategy, reference, period):
    raise Http404


@login_required
def risk_review_approve(request, strategy, reference, period):
    raise Http404


@login_required
def risk_review_send_back(request, strategy, reference, period):
    raise Http404
