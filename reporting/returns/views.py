"""Pages of the quarterly returns: My returns, the return page and its workflow steps, the review
queue, and the reporting calendar. Each view checks one permission (reporting.access.require)
and calls one selector or service; the rules live there."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from kpis.numbers import whole_number
from objectives import cadence as cadences
from objectives.council import terms
from objectives.models import financial_year_label
from objectives.roles import Role, roles_of
from objectives.strategies import chosen_strategy
from reporting import kept_csrf, readers_cache, steps, workflow
from reporting.access import RETURNS, can, require
from reporting.kept_work import keeps_work, take_kept_work
from reporting.plans.selectors import submitted_action_updates
from reporting.returns import calendar, corrections, live_rating as live, periods, reminders, review, selectors, services
from reporting.returns.forms import NOT_READY_MESSAGE, ReturnForm
from reporting.returns.step_forms import BulkApproveForm, OpenPeriodForm, ReopenForm, SendBackForm

STALE_STATUS = 409
RESTORED_MESSAGE = ("What you typed before your session ended has been put back. It has not been saved yet: "
                    "check it, then save it as a draft or submit it.")


MY_RETURNS_HEAD, MY_RETURNS_LATE = "reporting/returns/_my_returns_head.html", "reporting/returns/_my_returns_late.html"


@login_required
def my_returns(request):
    """The officer's landing page: each of their sub-strands in the open period, its state and what
    is missing. Built from the data once for everyone of the same audience with the same sub-strands,
    who may chase and import alike (reporting.readers_cache), each day (overdue), its CSRF fields
    the person's own (reporting.kept_csrf); the person's own risk reviews drawn for them."""
    require(request.user, "view_my_returns")
    readers_cache.data_version(request)  # read before the data the page is built from (reporting.readers_cache)
    user = request.user
    strategy = chosen_strategy(request)
    may_chase, may_import = can(user, "chase_returns"), can(user, "import_returns")
    today = timezone.localdate()  # the key's day is the day the rows are judged overdue on

    def build():
        page = selectors.my_returns_page(user, strategy=strategy, today=today)
        context = kept_csrf.building({**page, "may_chase": may_chase, "may_import": may_import})
        return {"head": render_to_string(MY_RETURNS_HEAD, context, request=request),
                "late": render_to_string(MY_RETURNS_LATE, context, request=request), "period": page["period"]}

    kept = readers_cache.kept(request, "my returns", strategy.pk if strategy else None, selectors.my_sub_strands_key(user),
                              may_chase, may_import, today, build=build)
    return render(request, "reporting/returns/my_returns.html", {
        "head": kept_csrf.with_token(request, kept["head"]), "late": kept_csrf.with_token(request, kept["late"]),
        "period": kept["period"]})


@keeps_work
@login_required
def return_page(request, period_slug, sub_strand_slug):
    """The return: read it, or (who may edit it) fill it in, save it as a draft and submit it. What
    was typed before the session ended comes back into the form (reporting.kept_work).

    For a plain GET the content drawn from the data (the fields drawn from the saved values, the
    read-only tables, the revisions and history: 20 KPIs are some 220 fields) is built once for
    everyone of the same audience (reporting.readers_cache), keyed by the return and its version,
    whether the person may edit it and be offered a reminder (what the content differs by) and the
    day; what the person may do (their buttons and the reasons where they would be), the CSRF token
    and the form's tag are drawn for each request. Typed work put back is never kept."""
    if request.method == "POST":
        return _save_return(request, selectors.return_for(period_slug, sub_strand_slug))
    readers_cache.data_version(request)  # read before the data the page is built from (reporting.readers_cache)
    ret = selectors.return_for(period_slug, sub_strand_slug)
    if not RETURNS.test(request.user, ret):
        raise PermissionDenied("This return has not been approved yet, so it is not available to you.")
    may = selectors.return_offers(request.user, ret)
    kept = take_kept_work(request)
    if may["edit"] and kept is not None:
        context = selectors.return_page(request.user, ret, offers=may)
        kept["intent"] = "save"  # shown as typed; checked as a whole only when they submit
        messages.warning(request, RESTORED_MESSAGE)
        context["restored"] = True  # unsaved from the start: leaving warns (static/js/unsaved-changes.js)
        form = ReturnForm(quarterly_return=ret, user=request.user, data=kept, **context["form_data"])
        return _render_return(request, ret, form, context=context)

    def build():
        context = selectors.return_page(request.user, ret, offers=may)
        form = ReturnForm(quarterly_return=ret, user=request.user, **context["form_data"]) if may["edit"] else None
        return _return_content(ret, form, context)

    content = readers_cache.kept(request, "return", ret.period_id, ret.sub_strand_id, ret.pk, ret.version,
                                 bool(may["edit"]), bool(may["chase"]), timezone.localdate(), build=build)
    return render(request, "reporting/returns/return.html", {
        **_around_the_content(ret, may), "content": content, "nobody_to_remind": content["nobody_to_remind"],
        "editing": bool(may["edit"]),
    })


@login_required
@require_POST
def live_rating(request, period_slug, sub_strand_slug):
    """The return form's status by the rules for what is typed now, as a save would rate it
    (reporting.returns.live_rating), as JSON for static/js/return-form.js. Saves nothing."""
    request.ses_keep_end = True  # asked while typing: the session's end is not moved on (reporting.sessions)
    ret = selectors.return_for(period_slug, sub_strand_slug)
    refused = steps.SAVE_RETURN.refusal(request.user, ret)  # answered to whoever could save what is typed
    if refused is not None:
        raise PermissionDenied(refused.reason)
    return JsonResponse(live.typed_ratings(quarterly_return=ret, user=request.user, data=request.POST))


def _render_return(request, ret, form, status=200, errors_extra=(), context=None):
    """The return page built for this request alone (a form posted back with its errors, typed work
    put back): nothing of it is kept (reporting.readers_cache)."""
    if context is None:
        shared = {"kpis": form.kpis, "actions": form.actions} if form is not None else {}
        context = selectors.return_page(request.user, ret, **shared)
    return render(request, "reporting/returns/return.html", {
        **context, **_around_the_content(ret, context["may"]), "content": _return_content(ret, form, context),
        "ret": ret, "form": form, "editing": form is not None, "errors_extra": errors_extra,
    }, status=status)


RETURN_PARTS = ("fields", "read", "tail")


def _return_content(ret, form, context):
    """The parts of the return page drawn from the data, between which the page draws what depends
    on the person: the form's fields (`form`, None: the read-only tables), the revisions and history.
    Nothing here may depend on the person but through the audience and the key (return_page)."""
    if form is not None:
        for row in context["kpi_rows"]:
            row.fields = form.kpi_bound_fields(row.kpi)
        for row in context["action_rows"]:
            row.fields = form.action_bound_fields(row.action)
    data = {**context, "ret": ret, "form": form}
    drawn = {part: mark_safe(render_to_string(f"reporting/returns/_return_{part}.html", data))
             for part in RETURN_PARTS if (part != "fields" or form is not None) and (part != "read" or form is None)}
    return {**drawn, "nobody_to_remind": context["nobody_to_remind"]}


def _around_the_content(ret, may):
    """What the page draws around the kept content for each person: their offers, and the day's words."""
    state = ret.state if ret.pk else None
    return {"ret": ret, "may": may, "outstanding": workflow.is_outstanding(state),
            "overdue": workflow.is_overdue(state, ret.period, timezone.localdate())}


def _moved_on(request, ret, reason):
    """The return can no longer be changed here (submitted or approved since the form was opened, or
    its period closed): say why, and keep what was typed on the page."""
    form = ReturnForm(quarterly_return=ret, user=request.user, data=request.POST)
    form.is_valid()
    form.add_error(None, f"{reason} Your changes have not been saved. What you typed is still on this page.")
    return _render_return(request, ret, form, status=STALE_STATUS)


def _save_return(request, ret):
    """Save (or submit) what was typed: the form reads it, the step (reporting.steps, asked once by the
    service on the locked return) decides."""
    step = steps.SUBMIT_RETURN if request.POST.get("intent") == "submit" else steps.SAVE_RETURN
    refused = step.refusal(request.user, ret, complete=False)
    if refused is not None and refused.check == steps.WHO:
        raise PermissionDenied(refused.reason)
    if refused is not None:
        return _moved_on(request, ret, refused.reason)
    form = ReturnForm(quarterly_return=ret, user=request.user, data=request.POST)
    if not form.is_valid():
        return _render_return(request, ret, form)
    submit = step is steps.SUBMIT_RETURN
    try:
        saved = services.save_return(quarterly_return=ret, by=request.user, form=form, submit=submit)
    except services.StaleEditError as exc:
        current = exc.current
        data = request.POST.copy()
        data["version"] = str(current.version)  # saving again now replaces their change, knowingly
        form = ReturnForm(quarterly_return=current, user=request.user, data=data)
        form.is_valid()
        form.add_error(None, str(exc))
        return _render_return(request, current, form, status=STALE_STATUS)
    except services.IncompleteReturnError as exc:
        form.add_error(None, NOT_READY_MESSAGE)
        for name, message in exc.problems.items():
            form.add_error(name if name in form.fields else None, message)
        return _render_return(request, ret, form)
    except services.ReturnWorkflowError as exc:
        form.add_error(None, str(exc))
        return _render_return(request, ret, form)
    if submit:
        messages.success(request, f"{saved.sub_strand.name} {saved.period.label} submitted for approval.")
    else:
        messages.success(request, "Your draft has been saved.")
    return redirect(saved.get_absolute_url())


def _refused(request, ret, exc):
    """A step refused on a return's page: a 403 for who may never take it, else the reason, on the return."""
    if exc.check == steps.WHO:
        raise PermissionDenied(str(exc))
    messages.error(request, str(exc))
    return redirect(ret.get_absolute_url())


@login_required
@require_POST
def approve(request, period_slug, sub_strand_slug):
    ret = selectors.return_for(period_slug, sub_strand_slug)
    try:
        services.approve_return(quarterly_return=ret, by=request.user, version=request.POST.get("version", ""))
    except services.ReturnWorkflowError as exc:
        return _refused(request, ret, exc)
    messages.success(request, f"{ret.sub_strand.name} {ret.period.label} approved.")
    return redirect("review-queue")


@login_required
def send_back(request, period_slug, sub_strand_slug):
    """Return a submitted return to the officer with a comment saying what to change."""
    ret = selectors.return_for(period_slug, sub_strand_slug)

    def take(data):
        services.send_back_return(quarterly_return=ret, by=request.user, comment=data["comment"], version=data["version"])
        return (f"{ret.sub_strand.name} {ret.period.label} returned to the officer for changes.",
                "review-queue" if can(request.user, "view_review_queue") else "home")
    form = SendBackForm(request.POST or None, initial={"version": ret.version})
    return _step_in_words(request, ret, form, steps.SEND_BACK_RETURN, take, "reporting/returns/send_back.html")


@login_required
def reopen(request, period_slug, sub_strand_slug):
    """Reopen an approved return for a correction: a new revision; the approved one is kept."""
    ret = selectors.return_for(period_slug, sub_strand_slug)

    def take(data):
        corrections.reopen_return(quarterly_return=ret, by=request.user, reason=data["reason"], version=data["version"])
        return f"{ret.sub_strand.name} {ret.period.label} reopened as revision {ret.revision + 1}.", ret.get_absolute_url()
    form = ReopenForm(request.POST or None, initial={"version": ret.version})
    return _step_in_words(request, ret, form, steps.REOPEN_RETURN, take, "reporting/returns/reopen.html")


def _step_in_words(request, ret, form, step, take, template):
    """A step on a return that the person explains in their own words (a send-back's comment, a
    reopening's reason): the step's refusal (reporting.steps) before the form, then `take` (the
    service, which asks it again with the version; it answers what to say and where to go), a
    refusal beside the form. One shape for both steps."""
    refused = step.refusal(request.user, ret)
    if refused is not None:
        return _refused(request, ret, services.ReturnWorkflowError(refused))
    if request.method == "POST" and form.is_valid():
        try:
            done, goto = take(form.cleaned_data)
        except services.StaleEditError:  # beside the form, as every other refusal: what they wrote is kept
            form.add_error(None, "This return has been changed since you opened it. Check it again before you decide.")
            ret.refresh_from_db()
            form.data = form.data.copy()
            form.data["version"] = ret.version  # told, and shown the return again: sending it now is their decision
        except services.ReturnWorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect(goto)
    return render(request, template, {"ret": ret, "form": form})


@login_required
def review_queue(request):
    """Submitted returns waiting for approval, with what changed since last quarter; then the
    action-plan updates waiting for approval, so that the approver has one queue."""
    require(request.user, "view_review_queue")
    return _review_queue_page(request)


REVIEW_QUEUE_CONTENT = "reporting/returns/_review_queue_content.html"


def _review_queue_page(request, form=None, selected=()):
    """The review queue; with the approval form that was sent back, its errors in the error summary.
    Its content is built from the data once for everyone of the same audience who may approve the
    same returns (reporting.readers_cache: the ids in the key, as each row's box and Approve button
    are drawn from them), its CSRF field the person's own (reporting.kept_csrf); the page for a POST
    come back with errors (the boxes ticked, the errors beside them) is built for it alone."""
    if form is None:
        readers_cache.data_version(request)  # read before the data the page is built from (reporting.readers_cache)
    submitted = review.submitted_returns(request.user)  # one query: the returns to approve, and the rows' returns
    approvable = review.approvable_ids(request.user, submitted)
    if form is not None:
        rows = review.review_queue(request.user, submitted)
        return render(request, "reporting/returns/review_queue.html", _review_queue_context(rows, approvable, form, selected))

    def build():
        rows = review.review_queue(request.user, submitted)
        form = BulkApproveForm(choices=[(row.ret.pk, str(row.ret)) for row in rows if row.ret.pk in approvable])
        context = kept_csrf.building(_review_queue_context(rows, approvable, form, ()))
        return {"html": render_to_string(REVIEW_QUEUE_CONTENT, context, request=request)}

    kept = readers_cache.kept(request, "review queue", tuple(sorted(approvable)), build=build)
    return render(request, "reporting/returns/review_queue.html", {"content": kept_csrf.with_token(request, kept["html"])})


def _review_queue_context(rows, approvable, form, selected):
    return {"rows": rows, "form": form, "approvable": set(approvable), "selected": set(selected),
            "plan_updates": submitted_action_updates()}


@login_required
@require_POST
def approve_selected(request):
    """Approve several submitted returns at once from the review queue: all of them or none."""
    require(request.user, "view_review_queue")
    ids = [i for i in (whole_number(v) for v in request.POST.getlist("returns")) if i is not None]
    chosen = review.returns_by_ids(ids)
    form = BulkApproveForm(request.POST, choices=[(r.pk, str(r)) for r in chosen])
    if not form.is_valid():  # the queue again, the error beside the boxes and in the error summary
        return _review_queue_page(request, form=form, selected=ids)
    versions = {ret.pk: request.POST.get(f"version-{ret.pk}", "") for ret in chosen}
    try:
        approved = services.approve_returns(returns=chosen, by=request.user, versions=versions)
    except services.StaleEditError as exc:
        form.add_error(None, f"{exc.current} has changed since you opened the queue: nothing was approved. Check it again.")
        return _review_queue_page(request, form=form, selected=ids)
    except services.ReturnWorkflowError as exc:
        if exc.check == steps.WHO:
            raise PermissionDenied(str(exc))
        form.add_error(None, f"Nothing was approved. {exc}")
        return _review_queue_page(request, form=form, selected=ids)
    messages.success(request, f"{len(approved)} return{'s' if len(approved) != 1 else ''} approved.")
    return redirect("review-queue")


@login_required
def period_calendar(request):
    """The year's periods with their governance dates, and each sub-strand's return state per period;
    links to the years either side, and (for the Economy Cell) chasing and setting up the next year."""
    require(request.user, "view_calendar")
    year = whole_number(request.GET.get("year"), minimum=2000, maximum=2100)
    strategy = chosen_strategy(request)
    every_period = calendar.strategy_periods(strategy)  # read once: the year shown and the years linked to
    financial_year, year_periods, columns, rows = calendar.period_calendar(
        request.user, strategy=strategy, financial_year=year, every_period=every_period)
    return render(request, "reporting/returns/calendar.html", {
        "financial_year": financial_year, "year_label": financial_year_label(financial_year), "periods": year_periods,
        "columns": columns, "rows": rows, "years": calendar.Years(financial_year, calendar.calendar_years(strategy, every_period)),
        "period_words": cadences.WORDS[strategy.cadence if strategy else cadences.QUARTERLY][1],
        "may_manage": can(request.user, "manage_periods"), "may_chase": can(request.user, "chase_returns"),
        "may_set_up": strategy is not None and can(request.user, "set_up_year"), "may_see_sources": Role.ADMINISTRATOR in roles_of(request.user),
        "nobody_to_remind": sum(1 for row in rows if row.nobody_to_remind),
    })


@login_required
def open_period(request, period_slug):
    """Open a period for entry, setting its dashboard update deadline."""
    require(request.user, "manage_periods")
    period = selectors.get_period(period_slug)
    may_open = steps.OPEN_PERIOD.offer(request.user, period)  # the button, or why not where it would be
    form = OpenPeriodForm(request.POST or None, initial={"dashboard_deadline": period.dashboard_deadline})
    # Earlier periods never opened are named before this one opens; the person confirms passing them by
    # (the ones the page named: if another is opened meanwhile, the page asks again).
    passed_by = workflow.never_opened_before(period)
    passing = ",".join(str(p.pk) for p in passed_by)
    confirmed = not passed_by or request.POST.get("passing") == passing
    if request.method == "POST" and form.is_valid() and confirmed:  # the service asks the step again
        try:
            periods.open_period(period=period, by=request.user, dashboard_deadline=form.cleaned_data["dashboard_deadline"])
        except services.ReturnWorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{period.label} is open for returns.")
            return redirect(f"{_calendar_url(period)}")
    return render(request, "reporting/returns/open_period.html", {
        "period": period, "form": form, "may_open": may_open, "passing": passing,
        "passed_by": workflow.never_opened_words(passed_by) if passed_by else "", "passed_by_count": len(passed_by)})


@login_required
@require_POST
def close_period(request, period_slug):
    require(request.user, "manage_periods")
    period = selectors.get_period(period_slug)
    try:
        periods.close_period(period=period, by=request.user)
    except services.ReturnWorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{period.label} is closed: officers can no longer change its returns.")
    return redirect(_calendar_url(period))


def _calendar_url(period):
    from django.urls import reverse

    return f"{reverse('period-calendar')}?year={period.financial_year}"


def _names(subs):
    return ", ".join(s.name for s in subs)


def _chase_message(request, result):
    if result.reminded:
        messages.success(request, f"Reminders sent about {_names(result.reminded)}: {result.emails} email"
                                  f"{'s' if result.emails != 1 else ''}, to each lead and editor, the {terms().coordinator.one} copied.")
    if result.already:
        messages.info(request, f"Already reminded today, so not sent again: {_names(result.already)}.")
    if result.nobody:
        messages.warning(request, f"No one to remind about {_names(result.nobody)}: no lead officer or editor with an "
                                  "email address. An administrator can name them on the " + terms().sub_strand.one_lower + ".")


def _back(request, period, ret=None):
    """Back to the page the reminder was sent from: the calendar, the return, or My returns."""
    back = request.POST.get("next")
    if back == "return" and ret is not None:
        return redirect(ret.get_absolute_url())
    return redirect(_calendar_url(period) if back == "calendar" else "my-returns")


@login_required
@require_POST
def remind(request, period_slug, sub_strand_slug):
    """'Send a reminder': email one outstanding return's lead and editors, the Economy Cell copied."""
    ret = selectors.return_for(period_slug, sub_strand_slug)
    try:
        _chase_message(request, reminders.chase(quarterly_return=ret, by=request.user))
    except services.ReturnWorkflowError as exc:
        if exc.check == steps.WHO:
            raise PermissionDenied(str(exc))
        messages.error(request, str(exc))
    return _back(request, ret.period, ret)


@login_required
@require_POST
def remind_everyone(request, period_slug):
    """'Remind everyone outstanding': every return of the period not yet submitted."""
    require(request.user, "chase_returns")
    period = selectors.get_period(period_slug)
    try:
        _chase_message(request, reminders.chase_everyone(period=period, by=request.user))
    except services.ReturnWorkflowError as exc:
        messages.error(request, str(exc))
    return _back(request, period)
