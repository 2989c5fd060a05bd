"""Generates a large council for benchmarks: by default 12 objectives, 60 sub-strands, 1,200 KPIs
and 40 quarters (2014/15 to 2023/24) of approved returns and measurements, the open quarter's
returns of 10 sub-strands waiting for approval, plus the demo users.

Run against a throwaway database only (the benchmarks set DATABASE_URL to one they create):
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python bench/large_council.py
The data is flagged synthetic, and every figure is clearly made up.
"""
import os
import random
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sefton_ses.settings")


def generate(*, objectives=12, sub_strands=60, kpis=1200, quarters=40, last_financial_year=2023, seed=1, submitted=10):
    from django.db import transaction
    from django.utils import timezone

    from kpis.models import KPI, Measurement, Target, index_figures
    from kpis.rag import RAG
    from objectives.models import Council, ReportingPeriod, StrategicObjective, Strategy, SubStrand, quarter_dates
    from reporting.models import Briefing, QuarterlyReturn

    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        Council.objects.update_or_create(key=1, defaults={"name": "Benchmark Borough Council (synthetic)"})
        strategy = Strategy.objects.create(name="Benchmark Borough Economic Strategy", slug="benchmark-strategy")
        objs = StrategicObjective.objects.bulk_create(
            StrategicObjective(strategy=strategy, number=i + 1, name=f"Objective {i + 1}", slug=f"objective-{i + 1}")
            for i in range(objectives)
        )
        subs = SubStrand.objects.bulk_create(
            SubStrand(objective=objs[i % objectives], name=f"Sub-strand {i + 1}", slug=f"bench-sub-{i + 1}",
                      order=i // objectives + 1, lead_service=f"Service {i % 7 + 1}")
            for i in range(sub_strands)
        )
        kpi_rows = KPI.objects.bulk_create(
            KPI(sub_strand=subs[i % sub_strands], code=f"B-{i + 1:05d}", title=f"Benchmark KPI {i + 1}",
                unit=KPI.Unit.NUMBER, direction="higher" if i % 3 else "lower", cadence=KPI.DataCadence.QUARTERLY,
                order=i // sub_strands + 1)
            for i in range(kpis)
        )
        first_year = last_financial_year - (quarters + 3) // 4 + 1
        periods = []
        for n in range(quarters):
            fy, q = first_year + n // 4, n % 4 + 1
            start, end = quarter_dates(fy, q)
            periods.append(ReportingPeriod(strategy=strategy, financial_year=fy, number=q, slug=ReportingPeriod.slug_for(fy, q),
                                           start_date=start, end_date=end, state=ReportingPeriod.State.PUBLISHED))
        periods[-1].state = ReportingPeriod.State.OPEN
        periods = ReportingPeriod.objects.bulk_create(periods)
        years = sorted({p.financial_year for p in periods})
        Target.objects.bulk_create(
            Target(kpi=k, financial_year=y, kind=Target.Kind.CORPORATE, value=Decimal(1000)) for k in kpi_rows for y in years
        )
        rags = [RAG.GREEN, RAG.GREEN, RAG.AMBER, RAG.RED]
        QuarterlyReturn.objects.bulk_create(
            QuarterlyReturn(sub_strand=s, period=p, period_key=p.order_key, state="published" if p.state == "published" else "draft",
                            overall_rag=rng.choice(rags), commentary=f"Synthetic commentary for {s.name} in {p.slug}. " * 8,
                            approved_at=now if p.state == "published" else None, is_synthetic=True)
            for s in subs for p in periods
        )
        batch = []
        for p in periods[:-1]:
            for k in kpi_rows:
                value = Decimal(rng.randint(850, 1150))
                rag = RAG.GREEN if value >= 1000 else RAG.AMBER if value >= 950 else RAG.RED
                batch.append(Measurement(kpi=k, period=p, period_key=p.order_key, value=value, data_for=p.slug, rag_calculated=rag,
                                         frozen_rag=rag, frozen_target=Decimal(1000), frozen_tolerance=Decimal(5),
                                         frozen_at=now, is_synthetic=True))
                if len(batch) >= 5000:
                    Measurement.objects.bulk_create(batch)
                    batch = []
        # The review queue's work: the last `submitted` sub-strands have sent the open quarter's return
        # for approval, with a figure for each KPI (the first ones, which the bench officers edit, are drafts).
        waiting = {s.id for s in subs[-submitted:]} if submitted else set()
        QuarterlyReturn.objects.filter(period=periods[-1], sub_strand_id__in=waiting).update(state="submitted", submitted_at=now)
        for k in kpi_rows:
            if k.sub_strand_id in waiting:
                value = Decimal(rng.randint(850, 1150))
                batch.append(Measurement(kpi=k, period=periods[-1], period_key=periods[-1].order_key, value=value,
                                         data_for=periods[-1].slug, is_synthetic=True,
                                         rag_calculated=RAG.GREEN if value >= 1000 else RAG.AMBER if value >= 950 else RAG.RED))
        Measurement.objects.bulk_create(batch)
        index_figures([k.id for k in kpi_rows])  # bulk_create bypasses save(): place each figure in its series
        Briefing.objects.bulk_create(Briefing(period=p, purpose="Synthetic briefing", state="issued") for p in periods[:-1])
        # One briefing with both optional parts: "what changed" and the appendix of every KPI with a figure.
        Briefing.objects.filter(period=periods[-3]).update(include_what_changed=True, include_kpi_appendix=True)
    return {"objectives": objectives, "sub_strands": sub_strands, "kpis": kpis, "quarters": quarters,
            "measurements": Measurement.objects.count(), "returns": QuarterlyReturn.objects.count()}


def create_bench_officers(count=10):
    """Officers bench-officer-1 … each editing sub-strand bench-sub-(i+1)//2: two officers per return."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from objectives.models import SubStrand
    from objectives.roles import GROUP_NAMES, Role, ensure_groups

    ensure_groups()
    group = Group.objects.get(name=GROUP_NAMES[Role.OFFICER])
    users = []
    for i in range(1, count + 1):
        user, _ = get_user_model().objects.get_or_create(username=f"bench-officer-{i}")
        user.set_password("bench-officer-pass")
        user.save()
        user.groups.add(group)
        SubStrand.objects.get(slug=f"bench-sub-{(i + 1) // 2}").editors.add(user)
        users.append(user)
    return users


if __name__ == "__main__":
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(generate())
    from reporting.demo import create_demo_users

    create_demo_users()
    create_bench_officers()
    from django.db import connection

    with connection.cursor() as cursor:
        # Fresh bulk-loaded tables have no planner statistics until autovacuum gets to them; without
        # them PostgreSQL picks plans that take seconds. A real database has had its statistics long since.
        cursor.execute("ANALYZE")
