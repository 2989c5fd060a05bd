"""Loading action plans: their recommendations, milestones, updates with their committee-report
covers, narratives, figures and attachments (see reporting.loaders)."""
from django.utils import timezone

from objectives.models import Action, ActionPlan, Milestone, Strategy, SubStrand
from reporting.loaders.base import Loading
from reporting.models import ActionUpdate, Attachment, FigureBreakdownItem, OutputFigure, PlanUpdate


class PlanLoading(Loading):
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
