"""Loading the council and its strategy: the council's name and words, the strategy, its
objectives, sub-strands, KPIs and targets, and its reporting periods (see reporting.loaders)."""
from django.core.files import File

from kpis.models import KPI, Target
from objectives.council import forget
from objectives.models import TERM_KEYS, Council, ReportingPeriod, StrategicObjective, Strategy, SubStrand, quarter_dates
from reporting.loaders.base import Loading

CALENDAR_HEADINGS = {  # a strategy's calendar_headings: key -> Strategy field
    "coordinator_meeting": "coordinator_meeting_heading", "deadline": "deadline_heading",
    "reader_briefing": "reader_briefing_heading", "scrutiny_meeting": "scrutiny_meeting_heading",
}


class StrategyLoading(Loading):
    # -- the council ---------------------------------------------------------------------------

    def load_council(self, data):
        """The council (one per deployment): its name, short name, logo (a file beside the YAML
        file) and words, each word {one: …, many: …} or one word (its plural made with an s)."""
        where = "council"
        council, created = Council.objects.get_or_create(key=1, defaults={"name": self.require(data, "name", where)})
        council.name = self.require(data, "name", where)
        council.short_name = data.get("short_name") or ""
        terms = data.get("terms") or {}
        if not isinstance(terms, dict):
            self.fail(f"{where}.terms", "expected a mapping of words, such as sub_strand: {one: Theme, many: Themes}")
        unknown = set(terms) - set(TERM_KEYS)
        if unknown:
            self.fail(f"{where}.terms", f"unknown word(s) {', '.join(sorted(unknown))}; expected {', '.join(TERM_KEYS)}")
        for key in TERM_KEYS:
            one, many = self.term(terms.get(key), f"{where}.terms.{key}")
            setattr(council, f"{key}_one", one)
            setattr(council, f"{key}_many", many)
        if data.get("logo"):
            self.logo(council, data["logo"], where)
        self.save(council, where)
        forget()
        self.count("council", created)

    def term(self, value, where):
        if value in (None, ""):
            return "", ""
        if isinstance(value, str):
            return value.strip(), ""
        if not isinstance(value, dict) or set(value) - {"one", "many"}:
            self.fail(where, "expected {one: …, many: …} or a single word")
        return str(value.get("one") or "").strip(), str(value.get("many") or "").strip()

    def logo(self, council, name, where):
        path = (self.path.parent / str(name)).resolve()
        if not path.is_file():
            self.fail(where, f"the logo {name!r} is not a file beside {self.path.name}")
        with path.open("rb") as handle:
            council.logo.save(path.name, File(handle), save=False)

    # -- the strategy --------------------------------------------------------------------------

    def load_strategy(self, data):
        where = "strategy"
        slug = self.require(data, "slug", where)
        strategy, created = Strategy.objects.get_or_create(slug=slug, defaults={"name": self.require(data, "name", where)})
        strategy.name = self.require(data, "name", where)
        if "council" in data:
            self.fail(where, "the council's name now goes in a top-level 'council' section (name, short_name, terms)")
        headings = data.get("calendar_headings") or {}
        unknown = set(headings) - set(CALENDAR_HEADINGS) if isinstance(headings, dict) else {"?"}
        if unknown:
            self.fail(f"{where}.calendar_headings", f"expected some of {', '.join(CALENDAR_HEADINGS)}")
        for key, field in CALENDAR_HEADINGS.items():
            setattr(strategy, field, str(headings.get(key) or "").strip())
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
