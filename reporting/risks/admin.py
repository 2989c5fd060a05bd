"""The risk register in the admin, in the council's words: the matrix configured once (its levels and
bands on its own page, the bands checked to cover every score without overlap), the categories, and
the risks with their actions. Reviews are read here only: they move through the workflow's steps."""
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from objectives.admin_site import InCouncilWords
from objectives.council import council
from objectives.models import Council
from reporting.models import Risk, RiskAction, RiskBand, RiskCategory, RiskLevel, RiskMatrix, RiskReport, RiskReview
from reporting.risks.scoring import band_problems


def _kept_rows(formset):
    """The cleaned data of the formset's rows that are kept (filled in and not marked for deletion)."""
    return [form.cleaned_data for form in formset.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")]


def level_problems(values, axis):
    """What is wrong with one axis's levels, in words: they must be 1, 2, 3… with none missing."""
    values = sorted(values)
    if not values:
        return [f"The matrix needs at least one {axis} level."]
    if values != list(range(1, len(values) + 1)):
        return [f"The {axis} levels must be numbered 1 to {len(values)}, one each, with none missing; they are "
                f"{', '.join(str(v) for v in values)}."]
    return []


class RiskLevelFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        rows = _kept_rows(self)
        problems = []
        for axis in ("likelihood", "impact"):
            problems += level_problems([row["value"] for row in rows if row.get("axis") == axis], axis)
        if problems:
            raise ValidationError(problems)


class RiskBandFormSet(forms.BaseInlineFormSet):
    """The bands, checked against the levels on the same page (`levels`, set by RiskMatrixAdmin): every
    score the matrix can give in exactly one band."""

    levels = None

    def clean(self):
        super().clean()
        if any(self.errors) or self.levels is None or any(self.levels.errors):
            return
        levels = _kept_rows(self.levels)
        sizes = {axis: len([row for row in levels if row.get("axis") == axis]) for axis in ("likelihood", "impact")}
        bands = [(row["name"], row["lowest_score"], row["highest_score"]) for row in _kept_rows(self)]
        problems = band_problems(bands, sizes["likelihood"], sizes["impact"])
        if problems:
            raise ValidationError(problems)


class RiskLevelInline(admin.TabularInline):
    model = RiskLevel
    formset = RiskLevelFormSet
    extra = 0
    fields = ["axis", "value", "name", "description"]


class RiskBandInline(admin.TabularInline):
    model = RiskBand
    formset = RiskBandFormSet
    extra = 0
    fields = ["name", "lowest_score", "highest_score", "colour", "order"]


@admin.register(RiskMatrix)
class RiskMatrixAdmin(InCouncilWords, admin.ModelAdmin):
    """The council's matrix, configured once: its levels and bands on its own page."""

    list_display = ["name", "appetite_score", "appetite_words", "tolerance_score", "tolerance_words"]
    list_filter = ["appetite_score"]
    search_fields = ["name"]
    inlines = [RiskLevelInline, RiskBandInline]
    exclude = ["council"]  # the deployment's council, the only one

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not RiskMatrix.objects.exists()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.council = Council.objects.get_or_create(key=1, defaults={"name": council().name})[0]
        super().save_model(request, obj, form, change)

    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        levels = next((f for f in formsets if isinstance(f, RiskLevelFormSet)), None)
        for formset in formsets:
            if isinstance(formset, RiskBandFormSet):
                formset.levels = levels
        return formsets, inline_instances


class ReadHereOnly(InCouncilWords, admin.ModelAdmin):
    """Rows configured on another admin page (a matrix's levels and bands) or moved only by the
    workflow (reviews): shown here, never added, changed or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RiskLevel)
class RiskLevelAdmin(ReadHereOnly):
    """A matrix's levels: changed on the matrix's page, where they are checked together."""

    list_display = ["name", "axis", "value", "matrix"]
    list_filter = ["axis"]
    search_fields = ["name", "description"]
    list_select_related = ["matrix"]


@admin.register(RiskBand)
class RiskBandAdmin(ReadHereOnly):
    """A matrix's bands: changed on the matrix's page, where they are checked to cover every score."""

    list_display = ["name", "lowest_score", "highest_score", "colour", "matrix"]
    list_filter = ["colour"]
    search_fields = ["name"]
    list_select_related = ["matrix"]


@admin.register(RiskCategory)
class RiskCategoryAdmin(InCouncilWords, admin.ModelAdmin):
    list_display = ["name", "appetite_score", "matrix"]
    list_filter = ["appetite_score"]
    search_fields = ["name"]
    list_select_related = ["matrix"]


class RiskActionInline(admin.TabularInline):
    model = RiskAction
    extra = 0
    fields = ["order", "description", "owner", "due_date", "status"]


@admin.register(Risk)
class RiskAdmin(InCouncilWords, admin.ModelAdmin):
    list_display = ["reference", "title", "strategy", "objective", "owner", "category", "exempt", "next_review_date"]
    list_filter = ["strategy", "objective", "category", "exempt"]
    search_fields = ["reference", "title", "cause", "effect", "owner_title"]
    list_select_related = ["strategy", "objective", "owner", "category"]
    autocomplete_fields = ["kpis"]
    readonly_fields = ["version"]
    inlines = [RiskActionInline]

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(RiskAction)
class RiskActionAdmin(InCouncilWords, admin.ModelAdmin):
    list_display = ["description", "risk", "owner", "due_date", "status"]
    list_filter = ["status", "risk__strategy"]
    search_fields = ["description", "owner", "risk__reference", "risk__title"]
    list_select_related = ["risk"]


@admin.register(RiskReview)
class RiskReviewAdmin(ReadHereOnly):
    """Reviews move only by the workflow's steps (the review page); the admin shows them."""

    list_display = ["risk", "period", "state", "current_likelihood", "current_impact", "direction", "approved_at"]
    list_filter = ["state", "period", "direction"]
    search_fields = ["risk__reference", "risk__title", "commentary"]
    list_select_related = ["risk", "period"]


@admin.register(RiskReport)
class RiskReportAdmin(InCouncilWords, admin.ModelAdmin):
    """A period's risk register report cover (the Economy Cell writes it on the report's own page):
    here for the administrator, each save counted as a change, so that a cover open on its page is
    not saved over this one unknowingly."""

    list_display = ["__str__", "period", "committee", "meeting_date", "include_exempt", "updated_at"]
    list_filter = ["include_exempt", "period__strategy"]
    search_fields = ["title", "committee", "summary"]
    readonly_fields = ["version", "updated_at", "updated_by"]

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
