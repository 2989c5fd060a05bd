import io
import zipfile

from django import forms
from django.contrib import admin, messages
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.urls import path

from objectives.admin_site import InCouncilWords
from objectives import admin as objectives_admin
from objectives.models import ReportingPeriod
from reporting.access import require
from reporting.documents.responses import download
# The Word and Excel builders (python-docx, openpyxl) are imported where an administrator asks for a
# file, not here: Django imports this module at start-up (the admin's autodiscovery) in every
# manage.py command, worker and server process, most of which never build a document.
from reporting.models import (
    ActionUpdate,
    Attachment,
    Briefing,
    BriefingRevision,
    DataVersion,
    DocumentTemplate,
    FigureBreakdownItem,
    OutputFigure,
    Paper,
    PlanUpdate,
    QuarterlyReturn,
    Notification,
    ReturnRevision,
    ScheduledRun,
    SiteSettings,
)


class ReturnRevisionInline(admin.TabularInline):
    model = ReturnRevision
    extra = 0
    readonly_fields = ["number", "approved_at", "approved_by", "reopened_at", "reopened_by", "reason"]
    exclude = ["snapshot"]


@admin.register(QuarterlyReturn)
class QuarterlyReturnAdmin(InCouncilWords, admin.ModelAdmin):
    list_display = ["sub_strand", "period", "state", "overall_rag", "revision", "submitted_at", "approved_at", "is_synthetic"]
    list_filter = ["period", "state", "overall_rag", "sub_strand__objective", "is_synthetic"]
    search_fields = ["sub_strand__name", "commentary"]
    list_select_related = ["sub_strand", "period"]
    readonly_fields = ["version", "revision"]
    inlines = [ReturnRevisionInline]


@admin.register(Briefing)
class BriefingAdmin(InCouncilWords, admin.ModelAdmin):
    list_display = ["period", "state", "issued_at", "issued_by", "include_what_changed", "include_kpi_appendix"]
    list_filter = ["state"]
    search_fields = ["purpose", "background"]
    list_select_related = ["period", "issued_by"]


@admin.register(BriefingRevision)
class BriefingRevisionAdmin(InCouncilWords, admin.ModelAdmin):
    list_display = ["briefing", "number", "issued_at", "issued_by"]
    list_filter = ["number"]
    search_fields = ["briefing__period__slug"]
    list_select_related = ["briefing__period", "issued_by"]
    readonly_fields = ["briefing", "number", "issued_at", "issued_by", "snapshot"]


@admin.register(Notification)
class NotificationAdmin(InCouncilWords, admin.ModelAdmin):
    list_display = ["subject", "email", "kind", "created_at", "sent_at", "failures"]
    list_filter = ["kind", "sent_at"]
    search_fields = ["email", "subject", "key"]
    readonly_fields = ["key", "kind", "email", "user", "subject", "body", "created_at", "sent_at", "claimed_at", "failures", "last_error"]


@admin.register(Paper)
class PaperAdmin(InCouncilWords, admin.ModelAdmin):
    """The kept papers and the PDF queue (reporting/documents/papers.py), to see what waits or failed
    and why. Read only: the papers are made by the product and the worker, and downloaded from their
    pages, through the access rules (their files are never linked from here)."""

    list_display = ["title", "kind", "made_at", "pdf_made_at", "attempts", "failure"]
    list_filter = ["kind", "pdf_made_at"]
    search_fields = ["title", "edition"]
    fields = ["title", "kind", "edition", "made_at", "pdf_made_at", "claimed_at", "attempts", "retry_after", "failure"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MadeByTheProduct(InCouncilWords, admin.ModelAdmin):
    """Rows the product keeps for itself, shown read only to the administrator (who may want to see
    them when asked by the service desk), never added, changed or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ScheduledRun)
class ScheduledRunAdmin(MadeByTheProduct):
    """When each scheduled job (send_reminders) last ran and whether it finished (reporting.ops.runs),
    as /healthz/ready reports it."""

    list_display = ["job", "started_at", "finished_at", "succeeded"]
    list_filter = ["job", "succeeded"]
    search_fields = ["job"]


@admin.register(DataVersion)
class DataVersionAdmin(MadeByTheProduct):
    """The one row of the data's versions (reporting.readers_cache): what readers' pages keep is
    built again when it moves."""

    list_display = ["pk", "number", "readers"]


@admin.register(PlanUpdate)
class PlanUpdateAdmin(InCouncilWords, admin.ModelAdmin):
    list_display = ["title", "plan", "as_at", "committee"]
    list_filter = ["plan"]
    search_fields = ["title", "summary", "introduction"]
    list_select_related = ["plan"]


class OutputFigureInline(admin.TabularInline):
    model = OutputFigure
    extra = 0


@admin.register(ActionUpdate)
class ActionUpdateAdmin(InCouncilWords, admin.ModelAdmin):
    list_display = ["action", "plan_update", "quarterly_return", "status", "state", "updated_at"]
    list_filter = ["state", "status", "action__plan"]
    search_fields = ["narrative", "action__wording"]
    list_select_related = ["action", "action__plan", "plan_update", "quarterly_return"]
    inlines = [OutputFigureInline]


class FigureBreakdownItemInline(admin.TabularInline):
    model = FigureBreakdownItem
    extra = 0


@admin.register(OutputFigure)
class OutputFigureAdmin(InCouncilWords, admin.ModelAdmin):
    list_display = ["label", "qualifier", "value", "unit", "rising_to", "is_projected", "action_update"]
    list_filter = ["unit", "is_projected"]
    search_fields = ["label", "note"]
    list_select_related = ["action_update", "action_update__action"]
    inlines = [FigureBreakdownItemInline]


@admin.register(ReturnRevision)
class ReturnRevisionAdmin(InCouncilWords, admin.ModelAdmin):
    list_display = ["quarterly_return", "number", "approved_at", "reopened_at", "reopened_by"]
    list_filter = ["quarterly_return__period"]
    search_fields = ["quarterly_return__sub_strand__name", "reason"]
    list_select_related = ["quarterly_return__sub_strand", "quarterly_return__period", "reopened_by"]
    readonly_fields = ["quarterly_return", "number", "snapshot", "approved_at", "approved_by", "reopened_at",
                       "reopened_by", "reason"]


@admin.register(FigureBreakdownItem)
class FigureBreakdownItemAdmin(InCouncilWords, admin.ModelAdmin):
    list_display = ["label", "value", "figure", "order"]
    list_filter = ["figure__action_update__plan_update"]
    search_fields = ["label", "figure__label"]
    list_select_related = ["figure"]


@admin.register(SiteSettings)
class SiteSettingsAdmin(InCouncilWords, admin.ModelAdmin):
    """One row: changed, never added twice or deleted. Says when the environment overrides it."""

    list_display = ["__str__", "public_pages"]

    def has_add_permission(self, request):
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        from django.conf import settings

        return ["public_pages"] if settings.PUBLIC_PAGES is not None else []

    def render_change_form(self, request, context, *args, **kwargs):
        from django.conf import settings
        from django.contrib import messages

        if settings.PUBLIC_PAGES is not None:
            state = "on" if settings.PUBLIC_PAGES else "off"
            messages.warning(request, f"The PUBLIC_PAGES environment variable switches the public pages {state}, "
                                      "whatever is set here. Remove it from the server's environment to decide here.")
        return super().render_change_form(request, context, *args, **kwargs)


# -- papers attached to updates, and the council's Word template ----------------------------------


HTTPS = {models.URLField: {"assume_scheme": "https"}}


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    formfield_overrides = HTTPS
    fields = ["name", "file", "url", "uploaded_by", "uploaded_at"]
    readonly_fields = ["uploaded_by", "uploaded_at"]


ActionUpdateAdmin.inlines = [OutputFigureInline, AttachmentInline]


@admin.register(Attachment)
class AttachmentAdmin(InCouncilWords, admin.ModelAdmin):
    list_display = ["name", "action_update", "file", "url", "uploaded_at"]
    list_filter = ["action_update__plan_update", "uploaded_at"]
    search_fields = ["name", "url"]
    list_select_related = ["action_update__action", "action_update__plan_update"]
    formfield_overrides = HTTPS
    readonly_fields = ["uploaded_by", "uploaded_at"]


class DocumentTemplateForm(forms.ModelForm):
    class Meta:
        model = DocumentTemplate
        fields = ["name", "file", "in_use"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if isinstance(upload, UploadedFile):  # a new upload (not the file already saved)
            content = upload.read()
            upload.seek(0)
            from reporting.documents.templates import check_template

            check_template(content, upload.name)
        return upload

    def _get_validation_exclusions(self):
        """One template in use is the service's rule (saving a new one takes the others out of use),
        so the form does not refuse a second one."""
        return {*super()._get_validation_exclusions(), "in_use"}


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(InCouncilWords, admin.ModelAdmin):
    """The council's Word template: upload a .docx with the letterhead, header, footer and styles;
    the one in use is the base of every briefing note and committee report (Word and PDF)."""

    form = DocumentTemplateForm
    list_display = ["name", "in_use", "uploaded_at", "file"]
    list_filter = ["in_use", "uploaded_at"]
    search_fields = ["name"]
    change_list_template = "admin/reporting/documenttemplate/change_list.html"

    def save_model(self, request, obj, form, change):
        from reporting.documents.templates import save_template

        save_template(obj)

    def changelist_view(self, request, extra_context=None):
        """The list says when the template in use is passed over (one saved before a rule was added), and why."""
        from reporting.documents.templates import template_in_use

        try:
            template, _, problems = template_in_use()
        except OSError:
            messages.warning(request, "The file of the template in use cannot be read, so documents are built on the "
                                      "plain default. Upload the template again.")
        else:
            if problems:
                messages.warning(request, f"The template in use, “{template.name}”, is not used: documents are built on "
                                          "the plain default until a template without these is uploaded. "
                                          + " ".join(problems))
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        return [path("default.docx", self.admin_site.admin_view(self.default_template), name="reporting_documenttemplate_default"),
                *super().get_urls()]

    def default_template(self, request):
        """The plain default that ships with the product, to start the council's own from."""
        from reporting.documents.base import default_template_bytes
        from reporting.documents.word import DOCX_CONTENT_TYPE

        return download(default_template_bytes(), DOCX_CONTENT_TYPE, "document-template.docx")


# -- the briefing workbook and note, where the administrator works --------------------------------


def _period_files(request, queryset, make, extension):
    """Each chosen period's file, through the same export and access rules as the pages: one period
    gives its file, several a zip of them."""
    from reporting.documents.word import DOCX_CONTENT_TYPE
    from reporting.workbooks.cells import XLSX_CONTENT_TYPE
    from reporting.workbooks.export import briefing_filename

    files = []
    for period in queryset.order_by("financial_year", "number"):
        require(request.user, "export_workbook", period)
        files.append((briefing_filename(period, extension), make(period)))
    if len(files) == 1:
        name, content = files[0]
        return download(content, XLSX_CONTENT_TYPE if extension == "xlsx" else DOCX_CONTENT_TYPE, name)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files:
            zf.writestr(name, content)
    return download(out.getvalue(), "application/zip", f"ses-briefings-{extension}.zip")


admin.site.unregister(ReportingPeriod)


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(objectives_admin.ReportingPeriodAdmin):
    """The reporting periods, with their briefing workbook and note to download (a list action, and
    links on each period's page)."""

    actions = ["download_briefing_workbook", "download_briefing_note"]
    change_form_template = "admin/objectives/reportingperiod/change_form.html"

    @admin.action(description="Download the briefing workbook (Excel)")
    def download_briefing_workbook(self, request, queryset):
        from reporting.workbooks.export import export_briefing_workbook

        return _period_files(request, queryset, lambda p: export_briefing_workbook(period=p, user=request.user), "xlsx")

    @admin.action(description="Download the briefing note (Word)")
    def download_briefing_note(self, request, queryset):
        from reporting.briefings.docx import briefing_docx_bytes
        from reporting.briefings.selectors import briefing_context

        return _period_files(request, queryset,
                             lambda p: briefing_docx_bytes(briefing_context(period=p, user=request.user)), "docx")


# The risk register's admin pages (the matrix, categories, risks; reviews read only) beside its code.
from reporting.risks import admin as risks_admin  # noqa: E402, F401
