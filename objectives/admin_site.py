"""The admin in the council's words: its header and title from the council, each model's name on
the index, in titles and breadcrumbs, and the fields, columns and filters that name a level or a
role, all from objectives.council.terms() when a page is drawn (never Meta.verbose_name: that goes
into migrations, which must not change with the data).

`CouncilAdminSite` is the default admin site (objectives.apps.CouncilAdminConfig replaces
django.contrib.admin in INSTALLED_APPS); `InCouncilWords` is mixed into each ModelAdmin whose model
or fields the council names (`model_term`, `field_terms`)."""
from django.contrib import admin
from django.utils.functional import lazy
from django.utils.text import capfirst

from objectives.council import council_name, in_words, terms

# Models the council names, by "app_label.ModelName": a term's key, or a function of the terms.
MODEL_WORDS = {
    "objectives.StrategicObjective": lambda t: (t.objective.one, t.objective.many),
    "objectives.SubStrand": lambda t: (t.sub_strand.one, t.sub_strand.many),
}
# Fields named after a level or a role, wherever they appear: the words the admin gives them.
FIELD_WORDS = {
    "objective": lambda t: t.objective.one,
    "sub_strand": lambda t: t.sub_strand.one,
    "sub_strands": lambda t: t.sub_strand.many,
    "lead_officer": lambda t: t.officer.one if "lead" in t.officer.one.lower() else f"Lead {t.officer.one_lower}",
    "editors": lambda t: f"{t.officer.many} who may fill in its returns",
    "reports_as_objective": lambda t: f"Reports as its {t.objective.one_lower}",
    "readers": lambda t: f"{t.reader.many} and {t.scrutiny.one} members who read it",
}


# Help texts that name a level by itself ("the objective"): asked for with their grammar.
FIELD_HELP = {
    "reports_as_objective": lambda t: f"{t.objective.The} has no {t.sub_strand.many_lower} and reports as one "
                                      f"{t.sub_strand.one_lower} of its own name.",
}


def name_models_in_council_words():
    """The admin's own chrome (breadcrumbs, "Add outcome", "3 outcomes", a related field's "Change
    selected outcome", "Delete selected outcomes") names a model by its Meta's verbose names: set,
    when the admin is ready, to the council's words, read when shown. Not in Meta, so migrations
    (which read Meta's own options) never change with the data."""
    for key, (app_label, name) in MODEL_TERMS.items():
        from django.apps import apps

        opts = apps.get_model(app_label, name)._meta
        opts.verbose_name = lazy(lambda key=key: getattr(terms(), key).one_lower, str)()
        opts.verbose_name_plural = lazy(lambda key=key: getattr(terms(), key).many_lower, str)()


MODEL_TERMS = {"objective": ("objectives", "StrategicObjective"), "sub_strand": ("objectives", "SubStrand")}


def words_for_model(model):
    """(one, many) for a model in the council's words, or None when the council does not name it."""
    found = MODEL_WORDS.get(f"{model._meta.app_label}.{model.__name__}")
    return found(terms()) if found else None


def field_label(name, default):
    found = FIELD_WORDS.get(name)
    return found(terms()) if found else default


def _lazy_field_label(name):
    return lazy(lambda: field_label(name, capfirst(name.replace("_", " "))), str)()


class CouncilAdminSite(admin.AdminSite):
    """The admin, headed with the council's name and naming its models in the council's words."""

    index_title = "Administration"

    def each_context(self, request):
        context = super().each_context(request)
        name = council_name()
        context.update(site_header=f"{name}: administration", site_title=f"{name} strategy tracker")
        return context

    def index(self, request, extra_context=None):
        """The admin's home page, warning when requests come through a proxy that is not believed."""
        from objectives.signin import proxy_not_believed

        return super().index(request, {**(extra_context or {}), "proxy_warning": proxy_not_believed()})

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        for app in app_list:
            for model in app["models"]:
                words = words_for_model(model["model"])
                if words:
                    model["name"] = words[1]
            app["models"].sort(key=lambda m: m["name"])
        return app_list


class WordsFilter(admin.RelatedFieldListFilter):
    """A related-field filter titled in the council's words ("By theme")."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = field_label(field_path.split("__")[-1], self.title)


class InCouncilWords:
    """A ModelAdmin mixin: the model's titles and breadcrumbs, its form's labels, its columns and its
    filters in the council's words."""

    def _words(self):
        return words_for_model(self.model)

    def _titles(self, extra_context, template):
        words = self._words()
        context = dict(extra_context or {})
        if words:
            context.setdefault("model_words", words[1])
            if template:
                context.setdefault("title", template.format(one=words[0].lower() if words[0] != words[0].upper() else words[0],
                                                            many=words[1]))
        return context

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, self._titles(extra_context, "Select {one} to change"))

    def add_view(self, request, form_url="", extra_context=None):
        return super().add_view(request, form_url, self._titles(extra_context, "Add {one}"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return super().change_view(request, object_id, form_url, self._titles(extra_context, "Change {one}"))

    def delete_view(self, request, object_id, extra_context=None):
        return super().delete_view(request, object_id, self._titles(extra_context, None))

    def history_view(self, request, object_id, extra_context=None):
        return super().history_view(request, object_id, self._titles(extra_context, None))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is None:
            return formfield
        if db_field.name in FIELD_WORDS:
            formfield.label = field_label(db_field.name, formfield.label)
        elif formfield.label:
            formfield.label = in_words(str(formfield.label))
        if db_field.name in FIELD_HELP:
            formfield.help_text = FIELD_HELP[db_field.name](terms())
        elif formfield.help_text:
            formfield.help_text = in_words(str(formfield.help_text))
        return formfield

    def get_list_display(self, request):
        return [_column(self.model, name) if isinstance(name, str) and name in FIELD_WORDS else name
                for name in super().get_list_display(request)]

    def get_list_filter(self, request):
        return [(name, WordsFilter) if isinstance(name, str) and name.split("__")[-1] in FIELD_WORDS
                and _is_relation(self.model, name) else name for name in super().get_list_filter(request)]


def _is_relation(model, path):
    """Is `path` ("sub_strand", "kpi__sub_strand") a relation, followed from `model`?"""
    field = None
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except Exception:  # noqa: BLE001 - not a field: leave the filter as it is
            return False
        if not field.is_relation:
            return False
        model = field.related_model
    return field is not None


_COLUMNS = {}


def _column(model, name):
    """A column showing field `name`, headed in the council's words (one function per field, kept)."""
    key = (model, name)
    if key not in _COLUMNS:
        def column(obj):
            return getattr(obj, name)
        column.short_description = _lazy_field_label(name)
        field = next((f for f in model._meta.get_fields() if f.name == name), None)
        column.boolean = getattr(field, "get_internal_type", lambda: "")() == "BooleanField"
        column.admin_order_field = name
        column.__name__ = f"{name}_in_words"
        _COLUMNS[key] = column
    return _COLUMNS[key]
