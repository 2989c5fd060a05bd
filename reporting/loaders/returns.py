"""Loading returns with their figures, and briefings (see reporting.loaders)."""
import datetime

from django.utils import timezone

from kpis.models import KPI, Measurement
from kpis.services import freeze_measurement, rate_measurement, unfreeze_measurement
from objectives.models import ReportingPeriod, SubStrand
from reporting.loaders.base import Loading
from reporting.models import Briefing, QuarterlyReturn

CHOICE_FIELDS = ("include_what_changed", "include_kpi_appendix", "include_attention")  # a briefing's optional parts


class ReturnLoading(Loading):
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
        unfreeze_measurement(m)
        rate_measurement(m)
        if ret.state in ("approved", "published"):
            freeze_measurement(m, at=ret.approved_at)
        self.save(m, where)
        self.count("measurement", created)

    def load_briefing(self, data, where):
        period = self.lookup(ReportingPeriod, where, "period", slug=self.require(data, "period", where))
        briefing, created = Briefing.objects.get_or_create(period=period)
        for field in ("title", "purpose", "recommendations", "background", "governance", "progress_introduction",
                      "attention_text"):
            setattr(briefing, field, (data.get(field) or "").strip())
        briefing.include_what_changed, briefing.include_kpi_appendix, briefing.include_attention = (
            bool(data.get(f)) for f in CHOICE_FIELDS)
        briefing.state = self.choice(data.get("state"), Briefing.State.choices, where, "state", "draft")
        issued_on = self.date(data.get("issued_on"), where, "issued_on") if briefing.state == "issued" else None  # never today
        briefing.issued_at = timezone.make_aware(datetime.datetime.combine(issued_on, datetime.time(12))) if issued_on else None
        self.save(briefing, where)
        self.count("briefing", created)
