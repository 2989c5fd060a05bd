"""A comparator group and an LG Inform-style CSV for the benchmark tests."""
import csv
import io
from decimal import Decimal

from objectives.models import ComparatorGroup, Council, LocalAuthority

HEADINGS = ["Area code", "Area name", "Period", "Value"]


def north_west_metropolitan_districts():
    """The council's group: the North West's metropolitan districts (the council among them)."""
    group = ComparatorGroup.objects.create(name="North West metropolitan districts")
    group.members.set(LocalAuthority.objects.filter(kind="MD", region="North West", is_current=True))
    return group


def the_council():
    return Council.objects.get().local_authority


def lg_inform_csv(rows, *, preamble=True):
    """An LG Inform-style export: a line about the metric, then the four columns."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if preamble:
        writer.writerow(["Metric: a test metric"])
    writer.writerow(HEADINGS)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def group_figures(group, *, period, start=Decimal("50.0"), step=Decimal("1.3")):
    """A figure for each council of `group` for `period`: {authority: value}, all different."""
    members = list(group.members.order_by("code"))
    return {la: start + step * i for i, la in enumerate(members)}


def rows_of(figures, period):
    return [[la.gss_code, la.short_name, period, str(value)] for la, value in figures.items()]
