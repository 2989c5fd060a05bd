"""Action-plan update rounds, each recommendation's update and its workflow, and the committee report.

Each view checks the permission, then calls one selector (reads) or one service (writes).
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kpis.numbers import whole_number
from objectives.selectors_plans import plan_with_actions, plans_with_status_counts, status_breakdown
from reporting import steps
from reporting.access import PLAN_UPDATES, can, require
from reporting.documents.pdf import pdf_available
from reporting.documents.papers import keep, pdf_response
from reporting.documents.responses import download
from reporting.kept_work import keeps_work, posted_or_kept
from reporting.plans import report as committee_report
from reporting.plans import selectors, services
from reporting.plans.docx import DOCX_CONTENT_TYPE, build_report_docx, report_filename
from reporting.plans.entry import ActionUpdateEntry
from reporting.plans.forms import AttachmentForm, PlanReportCoverForm, PlanUpdateStartForm, SendBackForm, WorkflowForm

SMALL_INT_MAX = 32767  # a recommendation's number (PositiveSmallIntegerField)


def _round(plan, update):
    found = selectors.get_plan_update(plan, update)
    if found is None:
        raise Http404("There is no update round at this address.")
    return found


def _update(plan_update, number):
    found = selectors.get_action_update(plan_update, number)
    if found is None:
        raise Http404("This recommendation has no update in this round.")
    return found


def _require_visible(user, action_update):
    if not PLAN_UPDATES.test(user, action_update):
        raise PermissionDenied("This update has not been approved yet, so it is not available to you.")


def _progress_url(plan_update):
    return reverse("plan-update-progress", args=[plan_update.plan.slug, plan_update.slug])


def _update_url(au):
    return reverse("action-update", args=[au.plan_update.plan.slug, au.plan_update.slug, au.action.number])


# -- plans -------------------------------------------------------------------------------------


@login_required
def action_plans(request):
    """Every action plan, with how many recommendations are complete, on track, at risk or superseded."""
    require(request.user, "view_dashboard")
    plans = plans_with_status_counts()
    for plan in plans:
        plan.status_breakdown = status_breakdown(plan)
    return render(request, "reporting/plans/action_plans.html", {"plans": plans})


@login_required
def action_plan(request, plan):
    """One plan: each recommendation's wording, who made it, owner, timescale, milestones and status."""
    require(request.user, "view_dashboard")
    found = plan_with_actions(plan)
    if found is None:
        raise Http404("There is no action plan at this address.")
    return render(request, "reporting/plans/action_plan.html", {"plan": found, "actions": found.actions.all()})


# -- rounds and reports --------------------------------------------------------------------------


@login_required
def plan_updates(request, plan):
    """A plan's update rounds, newest first, with links to each report and its progress."""
    require(request.user, "view_dashboard")
    found = selectors.get_plan(plan)
    if found is None:
        raise Http404("There is no action plan at this address.")
    return render(request, "reporting/plans/rounds.html", {
        "plan": found, "rounds": selectors.plan_rounds(found, request.user),
        "may_start": can(request.user, "edit_plan_report", found),
    })


@login_required
def plan_update_new(request, plan):
    """The Economy Cell starts a new round; its report's cover is carried forward from the last one."""
    found = selectors.get_plan(plan)
    if found is None:
        raise Http404("There is no action plan at this address.")
    require(request.user, "edit_plan_report", found)
    previous = selectors.previous_plan_update(found)
    form = PlanUpdateStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.start_plan_update(plan=found, by=request.user, **form.cleaned_data)
        except services.PlanError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, f"Update round “{created.title}” started. Its report cover was carried forward"
                             f"{' from ' + previous.title if previous else ''}: check it before the committee.")
            return redirect(_progress_url(created))
    return render(request, "reporting/plans/round_new.html", {"plan": found, "form": form, "previous": previous})


@login_required
def plan_report(request, plan, update):
    """The committee report: cover in the council's template, introduction, progress by number."""
    require(request.user, "view_dashboard")
    plan_update = _round(plan, update)
    report = committee_report.report_contents(plan_update, request.user)
    return render(request, "reporting/plans/report.html", {
        "report": report, "plan_update": plan_update, "plan": plan_update.plan,
        "may_edit_cover": can(request.user, "edit_plan_report", plan_update), "pdf_available": pdf_available(),
    })


@login_required
def plan_report_docx(request, plan, update):
    """The same report as a Word document."""
    require(request.user, "view_dashboard")
    report = committee_report.report_contents(_round(plan, update))
    return download(build_report_docx(report), DOCX_CONTENT_TYPE, report_filename(report))


@login_required
def plan_report_pdf(request, plan, update):
    """The same report as a PDF (tagged, A4): the kept one, made from this Word document once by the
    worker (reporting.documents.papers); until then a page saying it is being prepared."""
    require(request.user, "view_dashboard")
    plan_update = _round(plan, update)
    report = committee_report.report_contents(plan_update)
    paper = keep(docx=build_report_docx(report), kind="report", title=plan_update.title)
    return pdf_response(request, paper, report_filename(report, "pdf"),
                        word_url=reverse("plan-report-docx", args=[plan, update]), back_url=plan_update.get_absolute_url())


@login_required
def plan_report_cover(request, plan, update):
    """The Economy Cell edits the report's cover fields."""
    plan_update = _round(plan, update)
    require(request.user, "edit_plan_report", plan_update)
    form = PlanReportCoverForm(request.POST or None, instance=plan_update)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.save_report_cover(plan_update=plan_update, by=request.user, version=form.cleaned_data.get("version"), **data)
        except services.PlanError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "The report's cover has been saved.")
            return redirect(plan_update.get_absolute_url())
    if request.method == "POST" and form.errors:
        plan_update.refresh_from_db()
    return render(request, "reporting/plans/cover_edit.html", {"form": form, "plan_update": plan_update, "plan": plan_update.plan})


@login_required
def plan_update_progress(request, plan, update):
    """Every recommendation of the plan and where its update in this round has got to."""
    require(request.user, "view_dashboard")
    plan_update = _round(plan, update)
    rows = selectors.round_progress(plan_update, request.user)
    return render(request, "reporting/plans/progress.html", {
        "plan_update": plan_update, "plan": plan_update.plan, "rows": rows,
        "may_start_any": any(r.may_start for r in rows),
    })


# -- one recommendation's update -----------------------------------------------------------------


@keeps_work
@login_required
def action_update_new(request, plan, update):
    """An officer starts the update of a recommendation they own."""
    plan_update = _round(plan, update)
    if not selectors.may_enter_updates(plan_update, request.user):
        require(request.user, "start_action_update", None)
    choices = selectors.startable_actions(plan_update, request.user)
    preselected = whole_number(request.GET.get("recommendation"), maximum=SMALL_INT_MAX)
    initial = {"recommendation": choices.filter(number=preselected).first()} if preselected is not None else {}
    entry = ActionUpdateEntry(posted_or_kept(request), recommendations=choices, initial=initial)
    if request.method == "POST" and entry.is_valid():
        try:
            created = services.create_action_update(
                plan_update=plan_update, action=entry.cleaned_data["recommendation"], by=request.user,
                narrative=entry.cleaned_data["narrative"], status=entry.cleaned_data["status"], figures=entry.figures_data(),
            )
        except services.PlanError as exc:
            entry.add_error(exc.field, exc.message)
        else:
            messages.success(request, f"Your update on recommendation ({created.action.number}) is saved as a draft. "
                             "Submit it for approval when it is ready.")
            return redirect(_update_url(created))
    return render(request, "reporting/plans/update_form.html", {
        "entry": entry, "plan_update": plan_update, "plan": plan_update.plan, "action_update": None,
    })


@login_required
def action_update_detail(request, plan, update, number):
    """One recommendation's update: narrative, figures, state, history, and the next step."""
    plan_update = _round(plan, update)
    au = _update(plan_update, number)
    _require_visible(request.user, au)
    user = request.user
    rec = committee_report.recommendation_of(au)
    return render(request, "reporting/plans/update_detail.html", {
        "au": au, "plan_update": plan_update, "plan": plan_update.plan,
        "rec": rec, "narrative_blocks": rec.narrative_blocks,
        "history": selectors.action_update_history(au),
        # Each step as reporting.steps answers it: its button, or the reason where it would be.
        "may_edit": steps.SAVE_PLAN_UPDATE.offer(user, au), "may_submit": steps.SUBMIT_PLAN_UPDATE.offer(user, au, complete=True),
        "may_approve": steps.APPROVE_PLAN_UPDATE.offer(user, au), "may_send_back": steps.SEND_BACK_PLAN_UPDATE.offer(user, au),
        "workflow_form": WorkflowForm(initial={"version": au.version}),
    })


@keeps_work
@login_required
def action_update_edit(request, plan, update, number):
    """Change a draft or returned update: narrative, status, figures and breakdowns."""
    plan_update = _round(plan, update)
    au = _update(plan_update, number)
    refused = steps.SAVE_PLAN_UPDATE.refusal(request.user, au)
    if refused is not None:  # submitted or approved since the page was opened: say so on the update's page
        return _refused(request, au, refused)
    entry = ActionUpdateEntry(posted_or_kept(request), action_update=au)
    if request.method == "POST" and entry.is_valid():
        try:
            services.save_action_update(
                action_update=au, by=request.user, version=entry.cleaned_data.get("version"),
                narrative=entry.cleaned_data["narrative"], status=entry.cleaned_data["status"], figures=entry.figures_data(),
            )
        except services.PlanError as exc:
            entry.add_error(exc.field, exc.message)
        else:
            messages.success(request, f"Your changes to recommendation ({number}) are saved.")
            if request.POST.get("then") == "edit":
                return redirect(reverse("action-update-edit", args=[plan, update, number]))
            return redirect(_update_url(au))
    return render(request, "reporting/plans/update_form.html", {
        "entry": entry, "plan_update": plan_update, "plan": plan_update.plan, "action_update": au,
    })


def _refused(request, au, refused):
    """A step refused on an update: a 403 for who may never take it, else the reason on the update's page."""
    if refused.check == steps.WHO:
        raise PermissionDenied(refused.reason)
    messages.error(request, refused.reason)
    return redirect(_update_url(au))


def _workflow(request, plan, update, number, *, step, service, done, form_class=WorkflowForm):
    """Submit, approve or send back an update: the step's refusal (reporting.steps), then the service,
    which asks it again on the locked update."""
    plan_update = _round(plan, update)
    au = _update(plan_update, number)
    _require_visible(request.user, au)
    form = form_class(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    refused = step.refusal(request.user, au, version=version, complete=False)
    if refused is not None and refused.check != steps.VERSION:
        return _refused(request, au, refused)  # taken a moment ago (a second click, or someone else first)
    if refused is not None:  # someone moved it on since the page was opened: say so plainly
        form.add_error(None, refused.reason)
    elif form.is_valid():
        extra = {"comment": form.cleaned_data["comment"]} if "comment" in form.cleaned_data else {}
        try:
            service(action_update=au, by=request.user, version=version, **extra)
        except services.PlanError as exc:
            form.add_error("comment" if exc.field == "comment" and "comment" in form.fields else None, exc.message)
        else:
            messages.success(request, done.format(number=number))
            return redirect(_update_url(au))
    return render(request, "reporting/plans/workflow_problem.html", {
        "form": form, "au": au, "plan_update": plan_update, "plan": plan_update.plan,
    }, status=200)


@login_required
@require_POST
def action_update_submit(request, plan, update, number):
    return _workflow(request, plan, update, number, step=steps.SUBMIT_PLAN_UPDATE, service=services.submit_action_update,
                     done="Recommendation ({number}): your update has been submitted for approval.")


@login_required
@require_POST
def action_update_approve(request, plan, update, number):
    return _workflow(request, plan, update, number, step=steps.APPROVE_PLAN_UPDATE, service=services.approve_action_update,
                     done="Recommendation ({number}): the update is approved and now appears in the committee report.")


@login_required
def action_update_send_back(request, plan, update, number):
    """Return a submitted update to its officer, with a comment (a page of its own, so the comment has room)."""
    if request.method == "POST":
        return _workflow(request, plan, update, number, step=steps.SEND_BACK_PLAN_UPDATE,
                         service=services.send_back_action_update, form_class=SendBackForm,
                         done="Recommendation ({number}): the update has been returned to its officer with your comment.")
    plan_update = _round(plan, update)
    au = _update(plan_update, number)
    refused = steps.SEND_BACK_PLAN_UPDATE.refusal(request.user, au)
    if refused is not None:
        return _refused(request, au, refused)
    form = SendBackForm(initial={"version": au.version})
    return render(request, "reporting/plans/workflow_problem.html", {
        "form": form, "au": au, "plan_update": plan_update, "plan": plan_update.plan, "send_back": True,
    })


# -- papers attached to an update ----------------------------------------------------------------


@login_required
def action_update_attachments(request, plan, update, number):
    """Attach papers to a draft or returned update (a file, or a web address), or remove them."""
    plan_update = _round(plan, update)
    au = _update(plan_update, number)
    refused = steps.SAVE_PLAN_UPDATE.refusal(request.user, au)
    if refused is not None:
        return _refused(request, au, refused)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.add_attachment(action_update=au, by=request.user, name=form.cleaned_data["name"],
                                            file=form.cleaned_data["file"], url=form.cleaned_data["url"])
        except services.PlanError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, f"“{added.name}” is attached to the update on recommendation ({number}).")
            return redirect(reverse("action-update-attachments", args=[plan, update, number]))
    return render(request, "reporting/plans/attachments.html", {
        "au": au, "plan_update": plan_update, "plan": plan_update.plan, "form": form,
        "attachments": au.attachments.order_by("id"),
    })


@login_required
@require_POST
def action_update_attachment_remove(request, plan, update, number, attachment):
    plan_update = _round(plan, update)
    au = _update(plan_update, number)
    refused = steps.SAVE_PLAN_UPDATE.refusal(request.user, au)
    if refused is not None:
        return _refused(request, au, refused)
    found = au.attachments.filter(pk=attachment).first()
    if found is None:
        raise Http404("There is no such attachment.")
    services.remove_attachment(attachment=found, by=request.user)
    messages.success(request, f"“{found.name}” is no longer attached.")
    return redirect(reverse("action-update-attachments", args=[plan, update, number]))


@login_required
def plan_attachment(request, plan, update, number, attachment):
    """An attached paper's file, for whoever may read the update it belongs to (the report's rules)."""
    require(request.user, "view_dashboard")
    au = _update(_round(plan, update), number)
    _require_visible(request.user, au)
    found = au.attachments.filter(pk=attachment).exclude(file="").first()
    if found is None:
        raise Http404("There is no such attachment, or it has no file.")
    stored = found.file.name.rsplit("/", 1)[-1]
    filename = found.name if found.name.lower().endswith(stored.rsplit(".", 1)[-1].lower()) else stored
    response = FileResponse(found.file.open("rb"), as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response
