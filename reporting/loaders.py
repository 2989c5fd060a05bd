"""Loads the council's data from the YAML files in fixtures/ (see fixtures/README.md).

Loading is all or nothing: every file is read and every reference checked inside one transaction,
and the first problem stops the load with a message naming the file, the entry and what is wrong,
leaving the database as it was. Loading the same files twice changes nothing."""
import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kpis.models import KPI, Measurement, Target
from kpis.services import freeze_measurement, rate_measurement
from objectives.models import Action, ActionPlan, Milestone, ReportingPeriod, StrategicObjective, Strategy, SubStrand
from objectives.models import quarter_dates
from reporting.models import ActionUpdate, Attachment, Briefing, FigureBreakdownItem, OutputFigure, PlanUpdate, QuarterlyReturn

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
DEFAULT_FILES = ["sefton_ses.yaml", "employment_action_plan_2017.yaml"]
CHOICE_FIELDS = ("include_what_changed", "include_kpi_appendix")  # a briefing's optional parts


class FixtureError(Exception):
    """A fixture that cannot be loaded; the message says where and why."""


class _Loader:
    def __init__(self, path):
        self.path = path
        self.counts = {}

    def fail(self, where, message):
        raise FixtureError(f"{self.path.name}: {where}: {message}")

    def count(self, name, created):
        key = f"{name} {'created' if created else 'updated'}"
        self.counts[key] = self.counts.get(key, 0) + 1

    def require(self, data, key, where):
        if not isinstance(data, dict):
            self.fail(where, "expected a mapping of fields")
        if data.get(key) in (None, ""):
            self.fail(where, f"'{key}' is required")
        return data[key]

    def date(self, value, where, field):
        if value in (None, ""):
            return None
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            self.fail(where, f"'{field}' is not a date (YYYY-MM-DD): {value!r}")

    def decimal(self, value, where, field):
        if value in (None, ""):
            return None
        try:
            return Decimal(str(value))
        except InvalidOperation:
            self.fail(where, f"'{field}' is not a number: {value!r}")

    def choice(self, value, choices, where, field, default=""):
        if value in (None, ""):
            return default
        valid = [c for c, _ in choices]
        if value not in valid:
            self.fail(where, f"'{field}' is {value!r}; it must be one of {', '.join(repr(v) for v in valid)}")
        return value

    def save(self, obj, where):
        try:
            obj.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            self.fail(where, "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()))
        obj.save()
        return obj

    def lookup(self, model, where, what, **kwargs):
        try:
            return model.objects.get(**kwargs)
        except model.DoesNotExist:
            key = ", ".join(f"{v}" for v in kwargs.values())
            self.fail(where, f"{what} {key!r} does not exist (define it first, or check the spelling)")

    # -- the strategy --------------------------------------------------------------------------

    def load(self, doc):
        if not isinstance(doc, dict):
            self.fail("top level", "expected a mapping with keys such as strategy, objectives, periods")
        known = {"strategy", "objectives", "periods", "action_plans", "returns", "briefings"}
        unknown = set(doc) - known
        if unknown:
            self.fail("top level", f"unknown section(s) {', '.join(sorted(unknown))}; expected {', '.join(sorted(known))}")
        strategy = self.load_strategy(doc["strategy"]) if "strategy" in doc else None
        for i, objective in enumerate(doc.get("objectives") or []):
            self.load_objective(objective, strategy, f"objectives[{i}]")
        for i, period in enumerate(doc.get("periods") or []):
            self.load_period(period, f"periods[{i}]")
        for i, plan in enumerate(doc.get("action_plans") or []):
            self.load_plan(plan, f"action_plans[{i}]")
        for i, ret in enumerate(doc.get("returns") or []):
            self.load_return(ret, f"returns[{i}]")
        for i, briefing in enumerate(doc.get("briefings") or []):
            self.load_briefing(briefing, f"briefings[{i}]")

    def load_strategy(self, data):
        where = "strategy"
        slug = self.require(data, "slug", where)
        strategy, created = Strategy.objects.get_or_create(slug=slug, defaults={"name": self.require(data, "name", where)})
        strategy.name = self.require(data, "name", where)
        strategy.council = data.get("council", strategy.council)
        strategy.approved_on = self.date(data.get("approved_on"), where, "approved_on")
        strategy.approved_by = data.get("approved_by", "")
        strategy.description = data.get("description", "")
        self.save(strategy, where)
        self.count("strategy", created)
        return strategy

    def load_objective(self, data, strategy, where):
        if strategy is None:
            self.fail(where, "objectives need a 'strategy' section in the same file")
        number = self.require(data, "number", where)
        objective, created = StrategicObjective.objects.get_or_create(
            strategy=strategy, number=number, defaults={"name": self.require(data, "name", where), "slug": self.require(data, "slug", where)}
        )
        objective.name, objective.slug = data["name"], data["slug"]
        objective.short_name = data.get("short_name", "")
        objective.description = data.get("description", "")
        self.save(objective, where)
        self.count("objective", created)
        for i, sub in enumerate(data.get("sub_strands") or []):
            self.load_sub_strand(sub, objective, f"{where}.sub_strands[{i}]")

    def load_sub_strand(self, data, objective, where):
        slug = self.require(data, "slug", where)
        sub, created = SubStrand.objects.get_or_create(
            slug=slug, defaults={"objective": objective, "name": self.require(data, "name", where), "order": data.get("order", 1)}
        )
        sub.objective = objective
        sub.name = self.require(data, "name", where)
        sub.order = data.get("order", 1)
        sub.reports_as_objective = bool(data.get("reports_as_objective", False))
        sub.lead_service = data.get("lead_service", "")
        self.save(sub, where)
        self.count("sub-strand", created)
        for i, kpi in enumerate(data.get("kpis") or []):
            self.load_kpi(kpi, sub, i + 1, f"{where}.kpis[{i}]")

    def load_kpi(self, data, sub, order, where):
        code = self.require(data, "code", where)
        kpi, created = KPI.objects.get_or_create(code=code, defaults={"sub_strand": sub, "title": self.require(data, "title", where)})
        kpi.sub_strand = sub
        kpi.title = self.require(data, "title", where)
        kpi.description = data.get("description", "")
        kpi.unit = self.choice(data.get("unit"), KPI.Unit.choices, where, "unit", KPI.Unit.NUMBER)
        kpi.direction = self.choice(data.get("direction"), KPI.direction.field.choices, where, "direction", "higher")
        kpi.cadence = self.choice(data.get("cadence"), KPI.Cadence.choices, where, "cadence")
        kpi.data_source = data.get("data_source", "")
        kpi.source_notes = data.get("source_notes", "")
        kpi.order = data.get("order", order)
        if (kpi.unit == KPI.Unit.MILESTONE) != (kpi.direction == "milestone"):
            self.fail(where, "a milestone KPI has both unit and direction 'milestone'")
        self.save(kpi, where)
        self.count("KPI", created)
        for i, target in enumerate(data.get("targets") or []):
            self.load_target(target, kpi, f"{where}.targets[{i}]")

    def load_target(self, data, kpi, where):
        year = self.require(data, "financial_year", where)
        kind = self.choice(self.require(data, "kind", where), Target.Kind.choices, where, "kind")
        target, created = Target.objects.get_or_create(
            kpi=kpi, financial_year=year, kind=kind, defaults={"is_primary": bool(data.get("is_primary", True))}
        )
        target.value = self.decimal(data.get("value"), where, "value")
        target.description = data.get("description", "")
        target.is_primary = bool(data.get("is_primary", True))
        if data.get("amber_tolerance") is not None:
            target.amber_tolerance = self.decimal(data["amber_tolerance"], where, "amber_tolerance")
        self.save(target, where)
        self.count("target", created)

    def load_period(self, data, where):
        fy = self.require(data, "financial_year", where)
        quarter = self.require(data, "quarter", where)
        if quarter not in (1, 2, 3, 4):
            self.fail(where, f"quarter must be 1, 2, 3 or 4, not {quarter!r}")
        period = ReportingPeriod.objects.filter(financial_year=fy, quarter=quarter).first()
        created = period is None
        period = period or ReportingPeriod(financial_year=fy, quarter=quarter)
        for field in ("dashboard_deadline", "economy_cell_meeting", "cabinet_member_briefing", "scrutiny_meeting"):
            setattr(period, field, self.date(data.get(field), where, field))
        period.governance_notes = data.get("governance_notes", "")
        period.source_notes = data.get("source_notes", "")
        period.state = self.choice(data.get("state"), ReportingPeriod.State.choices, where, "state", ReportingPeriod.State.NOT_OPEN)
        period.slug = ReportingPeriod.slug_for(fy, quarter)
        period.start_date, period.end_date = quarter_dates(fy, quarter)
        self.save(period, where)
        self.count("period", created)

    # -- action plans --------------------------------------------------------------------------

    def load_plan(self, data, where):
        slug = self.require(data, "slug", where)
        plan, created = ActionPlan.objects.get_or_create(slug=slug, defaults={"name": self.require(data, "name", where)})
        plan.name = data["name"]
        plan.strategy = (
            self.lookup(Strategy, where, "strategy", slug=data["strategy"]) if data.get("strategy") else None
        )
        plan.originating_body = data.get("originating_body", "")
        plan.cabinet_approved_on = self.date(data.get("cabinet_approved_on"), where, "cabinet_approved_on")
        plan.agreed_on = self.date(data.get("agreed_on"), where, "agreed_on")
        plan.agreed_by = data.get("agreed_by", "")
        plan.owner = data.get("owner", "")
        plan.description = (data.get("description") or "").strip()
        self.save(plan, where)
        self.count("action plan", created)
        for i, action in enumerate(data.get("actions") or []):
            self.load_action(action, plan, f"{where}.actions[{i}]")
        for i, update in enumerate(data.get("updates") or []):
            self.load_plan_update(update, plan, f"{where}.updates[{i}]")

    def load_action(self, data, plan, where):
        number = self.require(data, "number", where)
        action, created = Action.objects.get_or_create(plan=plan, number=number, defaults={"wording": data.get("wording") or ""})
        action.title = (data.get("title") or "").strip()
        action.wording = (data.get("wording") or "").strip()
        action.made_by = (data.get("made_by") or "").strip()
        action.owner = (data.get("owner") or "").strip()
        action.timescale = (data.get("timescale") or "").strip()
        action.status = self.choice(data.get("status"), Action.Status.choices, where, "status", Action.Status.UNASSESSED)
        action.status_note = (data.get("status_note") or "").strip()
        action.sub_strand = (
            self.lookup(SubStrand, where, "sub-strand", slug=data["sub_strand"]) if data.get("sub_strand") else None
        )
        self.save(action, where)
        self.count("action", created)
        for i, ms in enumerate(data.get("milestones") or []):
            m_where = f"{where}.milestones[{i}]"
            milestone, m_created = Milestone.objects.get_or_create(
                action=action, order=i + 1, defaults={"title": self.require(ms, "title", m_where)}
            )
            milestone.title = ms["title"]
            milestone.due_date = self.date(ms.get("due_date"), m_where, "due_date")
            milestone.completed_on = self.date(ms.get("completed_on"), m_where, "completed_on")
            self.save(milestone, m_where)
            self.count("milestone", m_created)

    def load_plan_update(self, data, plan, where):
        slug = str(self.require(data, "slug", where))
        update, created = PlanUpdate.objects.get_or_create(
            plan=plan, slug=slug,
            defaults={"title": self.require(data, "title", where), "as_at": self.date(self.require(data, "as_at", where), where, "as_at")},
        )
        update.title = data["title"]
        update.as_at = self.date(data["as_at"], where, "as_at")
        update.meeting_date = self.date(data.get("meeting_date"), where, "meeting_date")
        text_fields = [
            "committee", "summary", "recommendations", "reasons", "alternative_options", "costs", "revenue_costs",
            "capital_costs", "resource_implications", "legal_implications", "equality_implications",
            *PlanUpdate.CORE_PURPOSE_FIELDS, "consultations_internal", "consultations_external",
            "implementation_date", "contact_officer", "contact_telephone", "contact_email", "appendices",
            "background_papers", "introduction",
        ]
        for field in text_fields:
            setattr(update, field, (data.get(field) or "").strip())
        self.save(update, where)
        self.count("plan update", created)
        for i, au in enumerate(data.get("action_updates") or []):
            self.load_action_update(au, update, f"{where}.action_updates[{i}]")

    def load_action_update(self, data, plan_update, where):
        number = self.require(data, "action", where)
        action = self.lookup(Action, where, "action number", plan=plan_update.plan, number=number)
        au, created = ActionUpdate.objects.get_or_create(action=action, plan_update=plan_update)
        au.narrative = (data.get("narrative") or "").strip()
        au.status = self.choice(data.get("status"), Action.Status.choices, where, "status")
        au.state = self.choice(data.get("state"), ActionUpdate.state.field.choices, where, "state", "published")
        if au.state in ("approved", "published") and au.approved_at is None:
            au.approved_at = timezone.now()
        self.save(au, where)
        self.count("action update", created)
        for i, item in enumerate(data.get("attachments") or []):  # by name, so that an uploaded file is kept
            attachment, made = Attachment.objects.get_or_create(action_update=au, name=self.require(item, "name", where))
            attachment.url = attachment.url if attachment.file else (item.get("url") or "")
            self.count("attachment", bool(self.save(attachment, f"{where}.attachments[{i}]")) and made)
        au.figures.all().delete()
        for i, fig in enumerate(data.get("figures") or []):
            f_where = f"{where}.figures[{i}]"
            figure = OutputFigure(
                action_update=au,
                order=i + 1,
                label=self.require(fig, "label", f_where),
                qualifier=self.choice(fig.get("qualifier"), OutputFigure.Qualifier.choices, f_where, "qualifier"),
                value=self.decimal(fig.get("value"), f_where, "value"),
                unit=fig.get("unit") or "",
                rising_to=self.decimal(fig.get("rising_to"), f_where, "rising_to"),
                is_projected=bool(fig.get("is_projected", False)),
                period_covered=fig.get("period_covered") or "",
                note=fig.get("note") or "",
            )
            self.save(figure, f_where)
            self.count("output figure", True)
            for j, item in enumerate(fig.get("breakdown") or []):
                b_where = f"{f_where}.breakdown[{j}]"
                self.save(
                    FigureBreakdownItem(
                        figure=figure, order=j + 1, label=self.require(item, "label", b_where),
                        value=self.decimal(self.require(item, "value", b_where), b_where, "value"),
                    ),
                    b_where,
                )
                self.count("breakdown item", True)

    # -- returns and briefings -----------------------------------------------------------------

    def load_return(self, data, where):
        period = self.lookup(ReportingPeriod, where, "period", slug=self.require(data, "period", where))
        sub = self.lookup(SubStrand, where, "sub-strand", slug=self.require(data, "sub_strand", where))
        ret, created = QuarterlyReturn.objects.get_or_create(sub_strand=sub, period=period)
        ret.state = self.choice(data.get("state"), QuarterlyReturn.state.field.choices, where, "state", "draft")
        ret.overall_rag = self.choice(data.get("overall_rag"), QuarterlyReturn.overall_rag.field.choices, where, "overall_rag")
        ret.commentary = (data.get("commentary") or "").strip()
        if ret.state in ("approved", "published"):
            if not ret.overall_rag:
                self.fail(where, "an approved return needs an overall_rag")
            ret.approved_at = ret.approved_at or timezone.now()
            ret.submitted_at = ret.submitted_at or ret.approved_at
        self.save(ret, where)
        self.count("return", created)
        for i, m in enumerate(data.get("measurements") or []):
            self.load_measurement(m, ret, f"{where}.measurements[{i}]")

    def load_measurement(self, data, ret, where):
        kpi = self.lookup(KPI, where, "KPI", code=self.require(data, "kpi", where))
        if kpi.sub_strand_id != ret.sub_strand_id:
            self.fail(where, f"KPI {kpi.code} belongs to {kpi.sub_strand.slug}, not {ret.sub_strand.slug}")
        m, created = Measurement.objects.get_or_create(kpi=kpi, period=ret.period)
        m.value = self.decimal(data.get("value"), where, "value")
        m.not_available = bool(data.get("not_available", False))
        m.expected_date = self.date(data.get("expected_date"), where, "expected_date")
        m.milestone_status = self.choice(data.get("milestone_status"), Measurement.milestone_status.field.choices, where, "milestone_status")
        m.data_for = data.get("data_for") or ""
        m.data_for_end = self.date(data.get("data_for_end"), where, "data_for_end")
        m.commentary = (data.get("commentary") or "").strip()
        m.rag_override = self.choice(data.get("rag_override"), Measurement.rag_override.field.choices, where, "rag_override")
        m.override_reason = data.get("override_reason") or ""
        m = m if not m.is_frozen else m
        from kpis.services import unfreeze_measurement

        unfreeze_measurement(m)
        rate_measurement(m)
        if ret.state in ("approved", "published"):
            freeze_measurement(m, at=ret.approved_at)
        self.save(m, where)
        self.count("measurement", created)

    def load_briefing(self, data, where):
        period = self.lookup(ReportingPeriod, where, "period", slug=self.require(data, "period", where))
        briefing, created = Briefing.objects.get_or_create(period=period)
        for field in ("title", "purpose", "recommendations", "background", "governance", "progress_introduction"):
            setattr(briefing, field, (data.get(field) or "").strip())
        briefing.include_what_changed, briefing.include_kpi_appendix = (bool(data.get(f)) for f in CHOICE_FIELDS)
        briefing.state = self.choice(data.get("state"), Briefing.State.choices, where, "state", "draft")
        issued_on = self.date(data.get("issued_on"), where, "issued_on") if briefing.state == "issued" else None  # never today
        briefing.issued_at = timezone.make_aware(datetime.datetime.combine(issued_on, datetime.time(12))) if issued_on else None
        self.save(briefing, where)
        self.count("briefing", created)


def read_yaml(path):
    path = Path(path)
    if not path.exists():
        raise FixtureError(f"{path}: no such file")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise FixtureError(f"{path.name}: not valid YAML: {exc}") from exc


def load_fixture_files(paths=None):
    """Load the given fixture files (default: the Sefton data) in one transaction; returns counts."""
    paths = [Path(p) for p in paths] if paths else [FIXTURES_DIR / name for name in DEFAULT_FILES]
    totals = {}
    docs = [(path, read_yaml(path)) for path in paths]
    try:
        with transaction.atomic():
            for path, doc in docs:
                loader = _Loader(path)
                loader.load(doc)
                for key, n in loader.counts.items():
                    totals[key] = totals.get(key, 0) + n
    except IntegrityError as exc:
        raise FixtureError(f"the data breaks a rule of the database: {exc}") from exc
    return totals
