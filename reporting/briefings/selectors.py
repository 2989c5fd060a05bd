"""Everything the briefing note for a period shows, in its order, as plain data (no HTML).

`briefing_context(*, period, user)` is the one source of the briefing: the page
(templates/reporting/briefings/briefing.html) and the Word document (reporting/briefings/docx.py,
and so its PDF) are both built from it, so they always say the same things in the same order. It
holds only approved and published data, whoever asks: a briefing reports what has been approved
(the public pages, asking for reporting.access.PUBLIC, get what has been published).

The note follows the council's own (fixtures/sources/ses-q1-2023-24-briefing-note.txt), numbered
as the council numbers it. The dictionary it returns has these keys, in the note's order:

- ``period``, ``briefing`` (a Briefing; unsaved and carried forward from the last briefing when
  none exists yet), ``is_saved``, ``is_issued``, ``title``, ``status_line`` (the day it was
  issued and by whom; empty for a paper issued on a day not known; "Draft: …" for a draft);
- ``sections``: 1.0 Purpose of Briefing Note, 2.0 Recommendations, 3. Background (3.1, 3.2 …), each a
  Section(number, key, heading, paragraphs as (number, text));
- ``governance``: 4 Governance & reporting, its paragraphs before the calendar and after it;
  ``calendar`` (a Calendar: columns, rows of CalendarRow);
- ``progress_section``: 5. Progress to date, its paragraphs before and after the table of
  objectives and sub-strands; ``progress`` (ObjectiveProgress with SubStrandProgress);
- ``summary``: 6. the quarter's performance summary; ``areas``: each sub-strand as the note
  writes it (its full name, overall status, movement where there was an earlier status, and its
  commentary as paragraphs and lists: reporting.documents.text);
- ``attention_section`` and ``attention_items`` (AttentionItem), when the coordinator included it:
  7. What needs attention, the rules' ranked lines from the approved figures (reporting.attention),
  or the Economy Cell's edit of them, kept as issued (`Briefing.attention_text`); otherwise None;
- ``risks_section`` and ``risk_items`` (reporting.risks.briefing.RiskItem), when the coordinator
  included it: the next number, Risks that need attention, the risks outside appetite and those
  whose score rose, from the approved reviews (never an exempt risk), or the Economy Cell's edit of
  them, kept as issued (`Briefing.risks_text`); otherwise None; ``risks_empty`` when there are none;
- ``what_changed_section`` and ``what_changed`` (a WhatChanged), when the coordinator included
  it: 7. (8. or 9. after the sections before it) What changed since last quarter; otherwise None;
- ``kpi_annex``: when included, the appendix of the KPIs with something to report: AnnexRow per
  KPI (latest approved figure, target, RAG, the forecast at the year's end, the variation and
  assurance, the period the data is for); otherwise empty;
- ``synthetic``: True when any of it is synthetic demonstration data.

A fixed number of queries, whatever the number of sub-strands, KPIs or periods."""
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch

from kpis import benchmarks
from kpis.figures import data_lag_words, judged_target, latest_as_at, primary_targets, target_text, target_year, with_periods
from kpis.models import KPI, Measurement
from kpis.outlook import year_end_outlooks
from kpis.rag import NO_MOVEMENT, RAG, RAG_ORDER, rag_label
from objectives.selectors import sub_strands_reporting_in
from objectives.models import ReportingPeriod, StrategicObjective, SubStrand
from reporting.access import BRIEFINGS, is_the_public, reported_figures, reported_measurements, reported_states, sees_drafts
from reporting.attention import SHOWN, as_text, attention
from reporting.briefings import revisions
from reporting.briefings.readiness import approved_after
from reporting.briefings.contents import (
    NOTHING_NEEDS_ATTENTION,
    AnnexRow,
    attention_items,
    MissingReturn,
    NotAvailable,
    ObjectiveProgress,
    Section,
    StatusChange,
    SubStrandProgress,
    TurnedKPI,
    WhatChanged,
    briefing_for,
    governance_calendar,
    numbered,
    paragraphs,
    status_line,
    title_of,
)
from reporting.documents.text import text_blocks
from reporting.dashboard.selectors import figure_text
from reporting.models import Briefing, QuarterlyReturn, WorkflowState
from reporting.risks.briefing import NO_RISKS, briefing_risk_items
from reporting.statuses import figure_baselines, movement, rated_before
from reporting.variation.verdicts import verdicts_for, verdicts_or_none


def _objectives_for(period):
    """The period's strategy's objectives, with their sub-strands, in the briefing's order."""
    return list(
        StrategicObjective.objects.filter(strategy_id=period.strategy_id).select_related("strategy")
        .prefetch_related(Prefetch("sub_strands", queryset=SubStrand.objects.order_by("order")))
        .order_by("strategy__name", "number")
    )


def published_latest(period, user=None):
    """Each KPI's latest approved figure as at `period`: a briefing reports what has been approved,
    whoever reads it (the public: what has been published, reporting.access.reported_figures)."""
    figures = Measurement.objects.filter(latest_as_at(period, approved_only=True)).order_by()
    return figures if user is None else figures.filter(reported_figures(user))


def _progress(objectives, period, user):
    """Each objective's sub-strands with their approved status this period and its movement against
    its baseline (reporting.statuses: the latest earlier status the user may see as approved); and what the quarter's summary says moved, stood still or
    is missing. Three queries."""
    show_states, shown = sees_drafts(user), reported_states(user)
    sub_ids = [s.id for o in objectives for s in o.sub_strands.all()]
    current = {
        r.sub_strand_id: r
        for r in QuarterlyReturn.objects.filter(period=period, sub_strand_id__in=sub_ids).only(
            "id", "sub_strand_id", "period_id", "state", "overall_rag", "commentary", "is_synthetic")
    }
    for ret in current.values():
        ret.period = period  # known: no query per return for its movement
    earlier = rated_before(user, sub_ids, period)
    progress, changes, missing = [], [], []
    counts = {"unchanged": 0, "no_comparison": 0, "synthetic": False}
    for objective in objectives:
        subs = []
        for sub in objective.sub_strands.all():
            ret = current.get(sub.id)
            approved = ret if ret is not None and ret.state in shown else None
            before = earlier.get(sub.id)
            rag = (approved.overall_rag or None) if approved else None
            move = movement(approved, before) if approved else NO_MOVEMENT
            counts["synthetic"] = counts["synthetic"] or bool(approved and approved.is_synthetic) or bool(before and before.is_synthetic)
            subs.append(SubStrandProgress(
                sub_strand=sub, name=sub.full_name, has_return=approved is not None, rag=rag,
                status_label=rag_label(rag) if approved else "No approved return",
                commentary=approved.commentary if approved else "", previous_rag=move.previous_rag, movement=move,
                is_synthetic=bool(approved and approved.is_synthetic),
                commentary_blocks=text_blocks(approved.commentary) if approved else [],
            ))
            if approved is None:
                state = ""
                if show_states:
                    state = f"{ret.get_state_display().lower()}, not yet approved" if ret else "not started"
                missing.append(MissingReturn(sub_strand=sub, name=sub.full_name, state_label=state.capitalize()))
            elif move.direction in ("up", "down"):
                changes.append(StatusChange(sub_strand=sub, name=sub.full_name, previous_rag=move.previous_rag, rag=rag,
                                            direction=move.direction, words=move.words))
            elif move.direction == "same":
                counts["unchanged"] += 1
            else:
                counts["no_comparison"] += 1
        progress.append(ObjectiveProgress(objective=objective, number=objective.number, name=objective.name, sub_strands=subs))
    return progress, changes, missing, counts


def briefing_heading(*, period, user, briefing):
    """What the briefing says at its head (the first keys of `briefing_context`): its period, the
    briefing, whether it is saved and issued, its title and status line. No query."""
    return {
        "period": period,
        "briefing": briefing,
        "is_saved": briefing.pk is not None,
        "is_issued": briefing.state == Briefing.State.ISSUED,
        "title": title_of(briefing, period),
        "status_line": status_line(briefing, named=not is_the_public(user)),
    }


def briefing_context(*, period, user, briefing=None):
    """Everything the briefing shows, in order (see the module's docstring). Raises
    PermissionDenied when the user may not read this briefing (a draft, for a reader)."""
    briefing = briefing or briefing_for(period)
    if not BRIEFINGS.test(user, briefing):
        raise PermissionDenied("This briefing has not been issued yet.")
    previous = period.previous()
    objectives = _objectives_for(period)
    progress, changes, missing, counts = _progress(objectives, period, user)
    late = approved_after(briefing, revisions.first_issued_at(briefing))  # late returns, marked
    for s in (s for o in progress for s in o.sub_strands):
        s.updated_after_issue = late.get(s.sub_strand.id)
    synthetic = counts["synthetic"]
    annex, what_changed, what_changed_section = [], None, None
    number = 7  # the optional sections follow the summary (6.), numbered with the rest
    attention_section, attention_lines = None, []
    if briefing.include_attention:
        attention_section = Section(f"{number}.", "attention", "What needs attention")
        number += 1
        attention_lines = briefing_attention(period, user, briefing)
    risks_section, risk_lines = None, []
    if briefing.include_risks:
        risks_section = Section(f"{number}.", "risks", "Risks that need attention")
        number += 1
        risk_lines = briefing_risk_items(period, briefing)
    if briefing.include_what_changed or briefing.include_kpi_appendix:
        sub_strands = {s.id: s for o in objectives for s in o.sub_strands.all()}
        annex, turned, not_available, annex_synthetic = _kpis(period, previous, sub_strands, user)
        synthetic = synthetic or (annex_synthetic and briefing.include_kpi_appendix)
        if briefing.include_kpi_appendix:
            annex_verdicts(annex, period=period, user=user, today=day_of(briefing))
    if briefing.include_what_changed:
        what_changed = WhatChanged(
            previous_period=previous, status_movements=changes,
            unchanged=counts["unchanged"], no_comparison=counts["no_comparison"], turned_red_or_amber=turned,
            not_available=not_available, missing_returns=missing,
            period=period, approved=sum(1 for o in progress for s in o.sub_strands if s.has_return),
        )
        # The heading names the period the section compares with: the KPIs' figures as at the period
        # before, and each status against its baseline, which is that period's status unless the
        # movement's own words name an earlier one ("Worsened since 2023/24 Q1").
        compared = what_changed.previous_period
        since = f"since {compared.label}" if compared else f"this {period.word}"
        what_changed_section = Section(f"{number}.", "what-changed", f"What changed {since}")
    governance = paragraphs(briefing.governance)
    progress_paras = paragraphs(briefing.progress_introduction)
    return {
        **briefing_heading(period=period, user=user, briefing=briefing),
        "sections": [
            Section("1.0", "purpose", "Purpose of Briefing Note", [("", p) for p in paragraphs(briefing.purpose)]),
            Section("2.0", "recommendations", "Recommendations", [("", p) for p in paragraphs(briefing.recommendations)]),
            Section("3.", "background", "Background", numbered("3", paragraphs(briefing.background))),
        ],
        "governance": Section("4", "governance", "Governance & reporting", numbered("4", governance[:1]),
                              numbered("4", governance[1:], start=2)),
        "calendar": governance_calendar(period),
        "progress_section": Section("5.", "progress", "Progress to date", numbered("5", progress_paras[:1]),
                                    numbered("5", progress_paras[1:], start=2)),
        "progress": progress,
        "summary": Section("6.", "summary", f"{period.long_label} performance summary"),
        "areas": [item for objective in progress for item in objective.sub_strands],
        "attention_section": attention_section,
        "attention_items": attention_lines,
        "attention_empty": NOTHING_NEEDS_ATTENTION,
        "risks_section": risks_section,
        "risk_items": risk_lines,
        "risks_empty": NO_RISKS,
        "what_changed_section": what_changed_section,
        "what_changed": what_changed,
        "kpi_annex": [row for row in annex if row.has_figure] if briefing.include_kpi_appendix else [],
        "synthetic": synthetic,
    }


def annex_verdicts(rows, *, period, user, today):
    """Each appendix row's variation and assurance (reporting.variation.verdicts, from the approved
    figures: for the public, the published ones) and its outlook for the period's year (kpis.outlook:
    the forecast at the year's end) and where the council stands among its comparators (kpis.benchmarks).
    Six to ten queries, whatever the number of KPIs."""
    kpis = [row.kpi for row in rows]
    figures = reported_measurements(user)
    found = verdicts_for(kpis=kpis, figures=figures, period=period, today=today)
    outlooks = year_end_outlooks(kpis, period.financial_year, measurements=figures.filter(period_key__lte=period.order_key))
    compared = benchmarks.comparisons(kpis)  # compared with similar councils (published data: the same for everyone)
    for row in rows:
        row.variation, row.assurance = verdicts_or_none(found, row.kpi)
        row.outlook = outlooks.get(row.kpi.id)
        row.comparison = compared.get(row.kpi.id)


def _strategy_kpis(period):
    return list(KPI.objects.filter(is_active=True, sub_strand__objective__strategy_id=period.strategy_id))


def day_of(briefing):
    """The day a briefing's figures are judged on (kpis.freshness): the day it was issued, else today."""
    from django.utils import timezone

    if briefing.state == Briefing.State.ISSUED and briefing.issued_at is not None:
        return timezone.localdate(briefing.issued_at)
    return timezone.localdate()


def suggested_attention(period, user=None, briefing=None):
    """"What needs attention" as the rules write it now, from the approved figures (for `user`: the
    public, the published ones), as typed text: one numbered line a KPI. Five queries."""
    briefing = briefing or briefing_for(period)
    found = attention(kpis=_strategy_kpis(period), figures=reported_measurements(user), period=period,
                      today=day_of(briefing))
    return as_text(found.lines, shown=SHOWN)


def briefing_attention(period, user, briefing):
    """The section's lines (AttentionItem): the Economy Cell's text when they wrote one (and always
    once issued: issuing writes the rules' lines into it), else the rules' lines now."""
    kpis = _strategy_kpis(period)
    text = briefing.attention_text
    if not (text or "").strip():
        text = as_text(attention(kpis=kpis, figures=reported_measurements(user), period=period,
                                 today=day_of(briefing)).lines, shown=SHOWN)
    return attention_items(text, {k.code: k for k in kpis})


def _kpis(period, previous, sub_strands, user=None):
    """The KPI annex (each KPI's latest approved figure as at the period), the KPIs that turned Red
    or Amber this quarter, and the figures still not available. `sub_strands` is {id: SubStrand},
    in the briefing's order, with their objectives. Eight queries at most."""
    kpis = list(KPI.objects.filter(is_active=True, sub_strand_id__in=list(sub_strands)).select_related(
        "benchmark__group").order_by("order", "code"))  # its benchmark: kpis.benchmarks, no query more
    position = {sub_id: i for i, sub_id in enumerate(sub_strands)}
    kpis.sort(key=lambda k: position[k.sub_strand_id])  # stable: by sub-strand, then order and code
    for kpi in kpis:
        kpi.sub_strand = sub_strands[kpi.sub_strand_id]
    ids = [k.id for k in kpis]
    latest = {m.kpi_id: m for m in with_periods(published_latest(period, user).filter(kpi_id__in=ids))}
    # Only this quarter's Red and Amber figures are compared with the quarter before.
    now_red_or_amber = [k for k, m in latest.items() if m.period_id == period.id and m.rag in (RAG.RED, RAG.AMBER)]
    earlier = {}
    if previous and now_red_or_amber:
        baselines = Measurement.objects.filter(figure_baselines(previous), reported_figures(user), kpi_id__in=now_red_or_amber)
        earlier = {m.kpi_id: m for m in baselines}
    targets = primary_targets([k.id for k in kpis], [period.financial_year, *(target_year(m) for m in latest.values())])
    annex, turned, not_available = [], [], []
    synthetic = False
    for kpi in kpis:
        m = latest.get(kpi.id)
        if m is not None:
            m.kpi = kpi
        value, kind = judged_target(kpi, m, financial_year=period.financial_year, targets=targets)
        synthetic = synthetic or bool(m and m.is_synthetic)
        annex.append(
            AnnexRow(
                kpi=kpi, code=kpi.code, title=kpi.title, sub_strand=kpi.sub_strand.name, unit=kpi.get_unit_display(),
                target_value=value, target_kind=kind, target_text=target_text(kpi, value, kind),
                value=m.value if m else None, value_text=figure_text(m), rag=m.rag if m else None,
                rag_label=rag_label(m.rag if m else None, kind=kpi.kind), data_for=data_lag_words(m),
                reported_in=m.period.label if m else "", is_synthetic=bool(m and m.is_synthetic),
                has_figure=m is not None and (m.not_available or bool(m.milestone_status) or m.value is not None),
                override=m.override if m else None,
            )
        )
        if m is None or m.period_id != period.id:
            continue  # only this quarter's figures can have changed
        if m.not_available:
            not_available.append(NotAvailable(code=kpi.code, title=kpi.title, sub_strand=kpi.sub_strand.full_name,
                                              data_for=m.data_for, expected_date=m.expected_date))
        before = earlier.get(kpi.id)
        prev_rag = before.rag if before else None
        if before is not None:
            synthetic = synthetic or before.is_synthetic
        if m.rag in (RAG.RED, RAG.AMBER) and (prev_rag is None or RAG_ORDER[RAG(m.rag)] < RAG_ORDER[RAG(prev_rag)]):
            turned.append(TurnedKPI(code=kpi.code, title=kpi.title, sub_strand=kpi.sub_strand.full_name, previous_rag=prev_rag,
                                    rag=m.rag, value_text=figure_text(m), data_for=data_lag_words(m),
                                    override=m.override))
    return annex, turned, not_available, synthetic



@dataclass
class IssueSummary:
    period: ReportingPeriod
    to_publish: list  # sub-strand names whose approved return will be published
    already_published: int
    waiting: list  # submitted, awaiting approval: these block issue
    not_approved: list  # draft or returned
    not_started: list

    @property
    def may_issue(self):
        return not self.waiting and bool(self.to_publish or self.already_published)


def issue_summary(period):
    """What issuing the period's briefing would publish, and what stands in its way. Two queries."""
    subs = list(sub_strands_reporting_in(period).select_related("objective").order_by("objective__number", "order"))
    by_sub = {r.sub_strand_id: r for r in QuarterlyReturn.objects.filter(period=period).only("id", "sub_strand_id", "state")}
    summary = IssueSummary(period=period, to_publish=[], already_published=0, waiting=[], not_approved=[], not_started=[])
    for sub in subs:
        ret = by_sub.get(sub.id)
        if ret is None:
            summary.not_started.append(sub.full_name)
        elif ret.state == WorkflowState.APPROVED:
            summary.to_publish.append(sub.full_name)
        elif ret.state == WorkflowState.PUBLISHED:
            summary.already_published += 1
        elif ret.state == WorkflowState.SUBMITTED:
            summary.waiting.append(sub.full_name)
        else:
            summary.not_approved.append(sub.full_name)
    return summary
