"""Loading the risk register: the council's risk matrix in its words (`risk_matrix:`) and a strategy's
risks with their actions (`risks:`), all or nothing (see reporting.loaders). The risk register
workbook and the onboarding workbook load through here too (reporting/workbooks/risk_sheets.py reads
their cells into these entries), so a file and a workbook follow the same rules.

A risk is known by its reference within its strategy; its actions by their place in its list (the
list given replaces the risk's actions). A risk's current score is never loaded: it comes from its
reviews. A risk whose entry changes nothing is not saved again (its version stays)."""
from django.contrib.auth import get_user_model
from django.db.models import Q

from kpis.models import KPI
from objectives.council import council
from objectives.models import StrategicObjective, Strategy, SubStrand
from reporting.loaders.base import Loading
from reporting.models import Risk, RiskAction, RiskBand, RiskCategory, RiskLevel, RiskMatrix

RISK_FIELDS = ("title", "cause", "effect", "owner_title", "controls")
LEVEL_FIELDS = ("inherent_likelihood", "inherent_impact", "target_likelihood", "target_impact")


class RiskLoading(Loading):
    # -- the matrix ----------------------------------------------------------------------------

    def load_risk_matrix(self, data, where="risk_matrix"):
        """The council's matrix in its words: {name, appetite_score, appetite_words, tolerance_score,
        tolerance_words, likelihood: [names, lowest first], impact: [names], bands: [{name, lowest_score,
        highest_score, colour}], categories: [{name, appetite_score}]}. What is left out stays as it is."""
        if not isinstance(data, dict):
            self.fail(where, "expected a mapping such as {likelihood: [Rare, …], impact: [Insignificant, …]}")
        found = council()
        if found.pk is None:
            self.fail(where, "the risk matrix is the council's: give a 'council' section first")
        matrix = RiskMatrix.for_council(found)
        for key in ("name", "appetite_words", "tolerance_words"):
            if key in data:
                setattr(matrix, key, str(data.get(key) or "").strip())
        for key in ("appetite_score", "tolerance_score"):
            if key in data:
                setattr(matrix, key, data[key])
        self.save(matrix, where)
        self.count("risk matrix", False)
        for axis in ("likelihood", "impact"):
            if axis in data:
                self.load_levels(matrix, axis, data[axis], f"{where}.{axis}")
        if "bands" in data:
            self.load_bands(matrix, data["bands"], f"{where}.bands")
        for i, item in enumerate(data.get("categories") or []):
            c_where = f"{where}.categories[{i}]"
            name = str(self.require(item, "name", c_where)).strip()
            category = matrix.categories.filter(name=name).first()
            created = category is None
            category = category or RiskCategory(matrix=matrix, name=name)
            category.appetite_score = item.get("appetite_score")
            self.save(category, c_where)
            self.count("risk category", created)
        return matrix

    def load_levels(self, matrix, axis, names, where):
        if not isinstance(names, list) or not 2 <= len(names) <= 10 or not all(str(n or "").strip() for n in names):
            self.fail(where, f"expected a list of the {axis}'s words, lowest first, from 2 to 10 of them")
        size = len(names)
        used = Risk.objects.filter(strategy__isnull=False).filter(
            Q(**{f"inherent_{axis}__gt": size}) | Q(**{f"target_{axis}__gt": size}))
        if used.exists():
            self.fail(where, f"risk {used.first().reference} is scored above {size} for {axis}: change its scores first")
        for value, name in enumerate(names, start=1):
            level = matrix.levels.filter(axis=axis, value=value).first()
            created = level is None
            level = level or RiskLevel(matrix=matrix, axis=axis, value=value)
            level.name = str(name).strip()
            self.save(level, f"{where}[{value - 1}]")
            self.count("risk level", created)
        matrix.levels.filter(axis=axis, value__gt=size).delete()

    def load_bands(self, matrix, bands, where):
        if not isinstance(bands, list) or not bands:
            self.fail(where, "expected a list of bands, each {name, lowest_score, highest_score, colour}")
        matrix.bands.all().delete()
        for i, item in enumerate(bands):
            b_where = f"{where}[{i}]"
            band = RiskBand(matrix=matrix, name=str(self.require(item, "name", b_where)).strip(), order=i + 1,
                            lowest_score=self.require(item, "lowest_score", b_where),
                            highest_score=self.require(item, "highest_score", b_where),
                            colour=self.choice(self.require(item, "colour", b_where), RiskBand.colour.field.choices,
                                               b_where, "colour"))
            self.save(band, b_where)
            self.count("risk band", True)

    # -- the risks -----------------------------------------------------------------------------

    def load_risk(self, data, strategy, where):
        """A risk of the file's strategy (or the one it names): see the module's docstring."""
        if isinstance(data, dict) and data.get("strategy"):
            strategy = self.lookup(Strategy, where, "strategy", slug=data["strategy"])
        if strategy is None:
            self.fail(where, "risks belong to a strategy: give a 'strategy' section in the same file, or 'strategy:' "
                             "on the risk")
        reference = str(self.require(data, "reference", where)).strip()
        known = self._register(strategy)
        risk = known["risks"].pop(reference, None)  # read once: a second entry of the same risk reads it again
        if risk is None:
            risk = Risk.objects.filter(strategy=strategy, reference=reference).first()
        created = risk is None
        if created:
            known["count"] += 1
            risk = Risk(strategy=strategy, reference=reference, version=1, order=known["count"])
        risk.matrix = known["matrix"]  # the matrix Risk.clean checks the levels on, its levels read once
        before = self._saved_fields(risk)
        risk.title = str(self.require(data, "title", where)).strip()
        for key in RISK_FIELDS[1:]:
            setattr(risk, key, str(data.get(key) or "").strip())
        for key in LEVEL_FIELDS:
            value = self.require(data, key, where)
            if isinstance(value, bool) or not isinstance(value, int):
                self.fail(where, f"'{key}' must be a whole number of the matrix (1 for its lowest level): {value!r}")
            setattr(risk, key, value)
        risk.next_review_date = self.date(data.get("next_review_date"), where, "next_review_date")
        risk.exempt = bool(data.get("exempt", False))
        risk.owner = self.person(data.get("owner"), where)
        risk.objective = self._known(known, "objectives", data.get("objective"), where, "strategic objective")
        risk.sub_strand = self._known(known, "sub_strands", data.get("sub_strand"), where, "sub-strand")
        if risk.sub_strand is not None and risk.objective is None:
            risk.objective = risk.sub_strand.objective
        risk.category = self._known(known, "categories", data.get("category"), where, "risk category")
        if created or self._saved_fields(risk) != before:
            if not created:
                risk.version += 1
            risk.updated_by = getattr(self, "by", None)  # who imported it (a workbook); a file: no one
            self.save(risk, where)
            self.count("risk", created)
        codes = data.get("kpis") or []
        if not isinstance(codes, list):
            self.fail(where, "'kpis' is a list of the linked KPIs' codes")
        missing = sorted({str(c) for c in codes} - set(known["kpis"]))
        if missing:
            self.fail(where, f"KPI {', '.join(repr(c) for c in missing)} is not a KPI of strategy {strategy.slug!r}")
        kpis = [known["kpis"][str(c)] for c in codes]
        if created or {k.pk for k in kpis} != {k.pk for k in risk.kpis.all()}:
            risk.kpis.set(kpis)
        self.load_risk_actions(data.get("actions") or [], risk, f"{where}.actions")
        return risk

    def _register(self, strategy):
        """What the strategy's risks may name, read once a load (after the file's objectives and matrix)."""
        registers = self.__dict__.setdefault("_registers", {})
        if strategy.pk not in registers:
            matrix = RiskMatrix.for_council(council())
            matrix = RiskMatrix.objects.prefetch_related("levels", "categories").get(pk=matrix.pk)
            risks = {r.reference: r for r in Risk.objects.filter(strategy=strategy).prefetch_related("kpis", "actions")}
            registers[strategy.pk] = {
                "matrix": matrix, "risks": risks, "count": len(risks),
                "objectives": {str(o.number): o for o in StrategicObjective.objects.filter(strategy=strategy)},
                "sub_strands": {s.slug: s for s in SubStrand.objects.filter(objective__strategy=strategy)
                                .select_related("objective")},
                "categories": {c.name: c for c in matrix.categories.all()},
                "kpis": {k.code: k for k in KPI.objects.filter(sub_strand__objective__strategy=strategy)},
            }
        return registers[strategy.pk]

    def _known(self, known, kind, value, where, what):
        if value in (None, ""):
            return None
        found = known[kind].get(str(value))
        if found is None:
            self.fail(where, f"{what} {value!r} does not exist in this strategy (define it first, or check the spelling)")
        return found

    def _saved_fields(self, risk):
        return tuple(getattr(risk, key) for key in (*RISK_FIELDS, *LEVEL_FIELDS, "next_review_date", "exempt", "owner_id",
                                                     "objective_id", "sub_strand_id", "category_id"))

    def person(self, typed, where):
        """A risk's owner by their email or username (None when not given); each read once a load."""
        if typed in (None, ""):
            return None
        people = self.__dict__.setdefault("_people", {})
        key = str(typed).lower()
        if key not in people:
            people[key] = list(get_user_model().objects.filter(Q(email__iexact=key) | Q(username__iexact=key))[:2])
        found = people[key]
        if len(found) != 1:
            self.fail(where, f"'owner' {typed!r} is {'more than one person' if found else 'no one who can sign in'}: "
                             "give the owner's username or email")
        return found[0]

    def load_risk_actions(self, actions, risk, where):
        if not isinstance(actions, list):
            self.fail(where, "expected a list of actions, each {description, owner, due_date, status}")
        existing = sorted(risk.actions.all(), key=lambda a: (a.order, a.pk))
        for i, item in enumerate(actions):
            a_where = f"{where}[{i}]"
            action = existing[i] if i < len(existing) else RiskAction(risk=risk, order=i + 1)
            before = (action.description, action.owner, action.due_date, action.status, action.order)
            action.description = str(self.require(item, "description", a_where)).strip()
            action.owner = str(item.get("owner") or "").strip()
            action.due_date = self.date(item.get("due_date"), a_where, "due_date")
            action.status = self.choice(item.get("status"), RiskAction.Status.choices, a_where, "status",
                                        RiskAction.Status.NOT_STARTED)
            action.order = i + 1
            if action.pk is None or before != (action.description, action.owner, action.due_date, action.status,
                                               action.order):
                created = action.pk is None
                self.save(action, a_where)
                self.count("risk action", created)
        for action in existing[len(actions):]:
            action.delete()
