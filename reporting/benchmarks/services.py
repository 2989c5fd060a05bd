"""The benchmark import: a CSV of published figures by council and period attached to a KPI with its
source, licence and date, checked (reporting.benchmarks.reader), previewed, and saved on
confirmation in one transaction. Nothing is written on a refusal or before the confirmation.

1. ``preview_benchmark(kpi=..., content=..., ...)``: reads and checks every row; says what would be
   added, changed and left as it is, and where the council stands in the latest period (kpis.benchmarks).
2. ``apply_benchmark(plan=..., user=...)``: saves the previewed figures: a period in the file replaces
   that period's figures (a council left out of it loses its figure for it); other periods are kept.
The confirmation's token is the uploader's own, for an hour (reporting.workbooks.preview_token).
"""
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from kpis.benchmarks import compare, standing_words
from kpis.formatting import format_kpi_value
from kpis.models import KPI, Benchmark, BenchmarkFigure
from objectives.council import council
from objectives.models import ComparatorGroup, LocalAuthority
from reporting import readers_cache
from reporting.benchmarks.reader import read_benchmark_csv
from reporting.workbooks import preview_token
from reporting.workbooks.safety import ImportRefused, Problem

TOKEN_SALT = "reporting.benchmarks.import"


@dataclass
class BenchmarkPreview:
    kpi: object
    source: str
    licence: str
    licence_label: str
    published_on: datetime.date
    group: object
    columns: dict
    figures: list  # [(authority, Period, value)]
    periods: list  # labels, latest first
    added: int
    changed: int
    unchanged: int
    removed: int  # saved figures of the file's periods for councils the file leaves out: they go
    not_councils: int
    no_value: int
    council_rows: list  # [(period label, the council's figure as written)], latest first
    standing: str  # where the council stands in the latest period, in words, or why not

    def plan(self):
        return {"kpi": self.kpi.pk, "source": self.source, "licence": self.licence,
                "published_on": self.published_on.isoformat(), "group": self.group.pk if self.group else None,
                "columns": self.columns,
                "figures": [[a.pk, p.label, p.end.isoformat(), str(v)] for a, p, v in self.figures]}

    def token(self, user):
        return preview_token.sign(self.plan(), user=user, salt=TOKEN_SALT)


def _standing(kpi, figures, group):
    """Where the council would stand in the latest period the file gives both, in words."""
    own = council().local_authority_id
    if own is None:
        return "The council's own code is not set (Admin → Council), so no comparison can be shown yet."
    group = group or ComparatorGroup.objects.order_by("order", "name").first()
    if group is None:
        return "There is no comparator group yet (Admin → Comparator groups), so no comparison can be shown yet."
    members = set(group.members.values_list("pk", flat=True)) | {own}
    by_period = {}
    for authority, period, value in figures:
        if authority.pk in members:
            by_period.setdefault((period.end, period.label), {})[authority.pk] = value
    for (_, label), values in sorted(by_period.items(), reverse=True):
        answer = compare(values=values, council_id=own, direction=kpi.direction)
        if answer is not None and not kpi.is_milestone:
            rank, of, quartile, median, *_ = answer
            said = standing_words(rank=rank, of=of, quartile=quartile, median=median, figures=values.values(),
                                  unit=kpi.unit)
            return f"{label}, compared with “{group.name}”: {said}."
    return f"The file has no period with a figure for both the council and another council of “{group.name}”."


def preview_benchmark(*, kpi, content, source, licence, published_on, group=None, columns=None):
    """What importing this file would do (a BenchmarkPreview); raises ImportRefused with every
    problem, row by row. Writes nothing."""
    read = read_benchmark_csv(content, columns=columns)
    existing = {}
    benchmark = Benchmark.objects.filter(kpi=kpi).first()
    if benchmark is not None:
        existing = {(a, p): v for a, p, v in benchmark.figures.values_list("authority_id", "period", "value")}
    added = changed = unchanged = 0
    in_file = {(a.pk, p.label) for a, p, _ in read.figures}
    labels = {p.label for _, p, _ in read.figures}
    removed = sum(1 for (a, p) in existing if p in labels and (a, p) not in in_file)
    for authority, period, value in read.figures:
        before = existing.get((authority.pk, period.label))
        if before is None:
            added += 1
        elif Decimal(before) == value:
            unchanged += 1
        else:
            changed += 1
    own = council().local_authority_id
    periods = sorted({(p.end, p.label) for _, p, _ in read.figures}, reverse=True)
    council_rows = [(p.label, format_kpi_value(v.normalize(), kpi.unit))
                    for a, p, v in sorted(read.figures, key=lambda f: f[1].end, reverse=True) if a.pk == own]
    return BenchmarkPreview(
        kpi=kpi, source=source, licence=licence, licence_label=dict(Benchmark._meta.get_field("licence").choices)[licence],
        published_on=published_on, group=group, columns=read.columns, figures=read.figures,
        periods=[label for _, label in periods], added=added, changed=changed, unchanged=unchanged, removed=removed,
        not_councils=read.not_councils, no_value=read.no_value, council_rows=council_rows,
        standing=_standing(kpi, read.figures, group))


def unsign_benchmark(token, user):
    """The plan back from its token, or ImportRefused (the uploader's own, for an hour)."""
    return preview_token.unsign(token, user=user, salt=TOKEN_SALT,
                                expect={"kpi": int, "figures": list, "source": str, "licence": str})


@transaction.atomic
def apply_benchmark(*, plan, user):
    """Save a previewed benchmark (BenchmarkPreview.plan()): its source, licence, date and group, and
    its figures, the file's periods replacing what was there for them. Returns the Benchmark."""
    kpi = KPI.objects.filter(pk=plan["kpi"]).first()
    if kpi is None:
        raise ImportRefused([Problem("The KPI of this preview no longer exists: upload the file again.")])
    group = ComparatorGroup.objects.filter(pk=plan.get("group")).first() if plan.get("group") else None
    authorities = set(LocalAuthority.objects.filter(pk__in={f[0] for f in plan["figures"]}).values_list("pk", flat=True))
    if any(f[0] not in authorities for f in plan["figures"]):
        raise ImportRefused([Problem("The list of UK councils has changed since the preview: upload the file again.")])
    benchmark, _ = Benchmark.objects.select_for_update().get_or_create(
        kpi=kpi, defaults={"source": plan["source"], "licence": plan["licence"],
                           "published_on": datetime.date.fromisoformat(plan["published_on"])})
    benchmark.source, benchmark.licence = plan["source"], plan["licence"]
    benchmark.published_on = datetime.date.fromisoformat(plan["published_on"])
    benchmark.group, benchmark.imported_by = group, user
    benchmark.save()
    existing = {(f.authority_id, f.period): f for f in benchmark.figures.filter(period__in={f[1] for f in plan["figures"]})}
    new, changed = [], []
    for a, p, end, v in plan["figures"]:
        found = existing.pop((a, p), None)
        end, value = datetime.date.fromisoformat(end), Decimal(v)
        if found is None:
            new.append(BenchmarkFigure(benchmark=benchmark, authority_id=a, period=p, period_end=end, value=value))
        elif (found.value, found.period_end) != (value, end):
            found.value, found.period_end = value, end
            changed.append(found)
    BenchmarkFigure.objects.bulk_create(new)
    BenchmarkFigure.objects.bulk_update(changed, ["value", "period_end"], batch_size=500)
    if existing:  # a council left out of a period the file holds: its figure for it goes (seldom: a few rows)
        BenchmarkFigure.objects.filter(pk__in=[f.pk for f in existing.values()]).delete()
    readers_cache.changed()  # bulk writes send no signal: what readers' pages keep is built again
    return benchmark
