"""Loading the council and its strategy: the council's name and words, the strategy, its
objectives, sub-strands, KPIs and targets, and its reporting periods (see reporting.loaders)."""
from django.core.files import File

from kpis.models import KPI, Accumulation, Profile, Target
from kpis.trajectory import profile_problems
from objectives.council import forget
from objectives import cadence as cadences
from objectives.models import (
    TERM_KEYS, Council, GovernanceEvent, LocalAuthority, ReportingPeriod, StrategicObjective, Strategy, SubStrand,
)
from reporting.loaders.base import Loading



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
        if data.get("code"):
            self.local_authority(council, str(data["code"]), where)
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

    def local_authority(self, council, code, where):
        """The council's place among the UK's councils: its three-letter code (objectives/data/)."""
        found = LocalAuthority.objects.filter(code=code.strip().upper()).first()
        if found is None:
            self.fail(f"{where}.code", f"{code[:10]!r} is not the three-letter code of a UK council (the "
                      "local-authority-code of objectives/data/uk_local_authorities.csv)")
        council.local_authority = found

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
        if "calendar_headings" in data:
            self.fail(f"{where}.calendar_headings", "the calendar's columns are now the names of each period's events "
                      "(periods[…].events); the deadline's heading is the strategy's deadline_heading")
        strategy.cadence = self.choice(data.get("cadence"), cadences.CHOICES, where, "cadence", cadences.QUARTERLY)
        strategy.deadline_heading = str(data.get("deadline_heading") or "").strip()
        strategy.deadline_column = data.get("deadline_column", 2)
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
        kind = self.choice(data.get("kind"), KPI.Kind.choices, where, "kind")
        milestone = "milestone" if kind == KPI.Kind.MILESTONE else None  # a milestone's unit and direction follow
        kpi.unit = self.choice(data.get("unit") or milestone, KPI.Unit.choices, where, "unit", KPI.Unit.NUMBER)
        kpi.direction = self.choice(data.get("direction") or milestone, KPI.direction.field.choices, where, "direction", "higher")
        # The kind, or (a file written before KPIs had one) a milestone by its unit and direction, else targeted.
        kpi.kind = kind or (KPI.Kind.MILESTONE if kpi.direction == "milestone" else KPI.Kind.TARGETED)
        kpi.cadence = self.choice(data.get("cadence"), KPI.DataCadence.choices, where, "cadence")
        if "data_lag_months" in data or created:  # absent (an older file or workbook): as it is
            kpi.data_lag_months = self.months(data.get("data_lag_months"), where, "data_lag_months")
        kpi.data_source = data.get("data_source", "")
        kpi.source_notes = data.get("source_notes", "")
        kpi.order = data.get("order", order)
        if "accumulation" in data:  # absent (an older file or workbook): as it is
            kpi.accumulation = self.choice(data.get("accumulation"), Accumulation.choices, where, "accumulation",
                                           Accumulation.SNAPSHOT)
        if len({kpi.unit == KPI.Unit.MILESTONE, kpi.direction == "milestone", kpi.kind == KPI.Kind.MILESTONE}) > 1:
            self.fail(where, "a milestone KPI has kind 'milestone' (its unit and direction 'milestone' too, or left out); "
                             "any other KPI none of them")
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
        if {"profile", "baseline", "period_points"} & set(data):
            self.load_trajectory(data, target, where)
        self.save(target, where)
        self.count("target", created)

    def load_trajectory(self, data, target, where):
        """A target's trajectory through the year (kpis.trajectory): flat unless the file says linear
        (from a `baseline`) or periods (a point for each period but the last, in `period_points`).
        Absent from the file (an older one): left as it is."""
        target.profile = self.choice(data.get("profile"), Profile.choices, where, "profile", Profile.FLAT)
        target.baseline = self.decimal(data.get("baseline"), where, "baseline") if target.profile == Profile.LINEAR else None
        points = data.get("period_points") or []
        if not isinstance(points, list):
            self.fail(where, "'period_points' is a list of numbers, one for each period but the last")
        target.period_points = ([format(self.decimal(p, where, "period_points"), "f") if p not in (None, "") else ""
                                 for p in points] if target.profile == Profile.PERIODS else [])
        problems = profile_problems(profile=target.profile, baseline=target.baseline, points=target.period_points)
        if problems:
            self.fail(where, " ".join(problems.values()))

    def load_period(self, data, strategy, where):
        """A period of the file's strategy (or the one it names, or the first): its financial year and number (a quarter's, half-year's or
        month's, as the strategy's cadence says; `quarter:` is read as the number), its deadline and
        its governance events, each {name, date or frequency, audience}."""
        if data.get("strategy"):
            strategy = self.lookup(Strategy, where, "strategy", slug=data["strategy"])
        strategy = strategy or Strategy.objects.order_by("pk").first()
        if strategy is None:
            self.fail(where, "periods belong to a strategy: give a 'strategy' section in the same file, or load one first")
        fy = self.require(data, "financial_year", where)
        number = data.get("number", data.get("quarter"))
        refused = cadences.refused_number(number, strategy.cadence)
        if refused:
            self.fail(where, f"{refused} Not {number!r}.")
        period = ReportingPeriod.objects.filter(strategy=strategy, financial_year=fy, number=number).first()
        created = period is None
        period = period or ReportingPeriod(strategy=strategy, financial_year=fy, number=number)
        period.dashboard_deadline = self.date(data.get("dashboard_deadline"), where, "dashboard_deadline")
        period.governance_notes = data.get("governance_notes", "")
        period.source_notes = data.get("source_notes", "")
        period.state = self.choice(data.get("state"), ReportingPeriod.State.choices, where, "state", ReportingPeriod.State.NOT_OPEN)
        period.start_date, period.end_date = cadences.dates(fy, number, strategy.cadence)
        period.slug = data.get("slug") or period.slug or period.default_slug()
        self.save(period, where)
        self.count("period", created)
        events = data.get("events") or []
        if not isinstance(events, list):
            self.fail(f"{where}.events", "expected a list of events, each {name: …, date: …, audience: …}")
        period.events.exclude(name__in=[e.get("name") for e in events if isinstance(e, dict)]).delete()
        for i, event in enumerate(events):
            self.load_event(event, period, i + 1, f"{where}.events[{i}]")

    def load_event(self, data, period, order, where):
        if not isinstance(data, dict):
            self.fail(where, "expected {name: …, date: …, audience: …}")
        name = str(self.require(data, "name", where)).strip()
        event = GovernanceEvent.objects.filter(period=period, name=name).first() or GovernanceEvent(period=period, name=name)
        event.date = self.date(data.get("date"), where, "date")
        event.frequency = str(data.get("frequency") or "").strip()
        event.audience = str(data.get("audience") or "").strip()
        event.order = data.get("order", order)
        if event.date is None and not event.frequency:
            self.fail(where, "an event needs a date, or a frequency such as Monthly")
        self.save(event, where)
