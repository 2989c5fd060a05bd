"""One shared table of what an officer types into the return form, and the status a save gives it.

Used by the server's test (tests/reporting/returns/test_live_rating.py: the live status the server
answers is the one a save stores, and the one below) and by the browser's (tests/browser/
test_return_form_rag.py: the page shows the same while typing), so the page and the save cannot
read a figure two ways. Fractions at the edge of the Amber band, thousands separators, percentages,
pounds, negative numbers, refused inputs, a KPI with no target, and milestone statuses.

Each KPI below is made in the Sefton Housing sub-strand (`make_case_kpis`), with its target for
2023/24 (the return is 2023/24 Q2). `says` is found in what the page shows beside the status: the
basis of the rating, or, for a figure the save refuses, the form's own error message.
"""
from dataclasses import dataclass
from decimal import Decimal

from kpis.models import KPI, Target

# code: (unit, direction, target for 2023/24 or None, Amber tolerance in per cent)
CASE_KPIS = {
    "CASE-HIGH": ("number", "higher", "2.2", "5"),  # Amber from 2.09 (2.2 less 5%)
    "CASE-LOW": ("number", "lower", "3.8", "5"),  # Amber up to 3.99 (3.8 and 5%)
    "CASE-BIG": ("number", "higher", "1234", "5"),  # Amber from 1,172.3
    "CASE-PCT": ("percent", "higher", "5.2", "5"),  # Amber from 4.94
    "CASE-GBP": ("gbp", "higher", "35000", "0"),  # no Amber band: below the target is Red
    "CASE-NONE": ("number", "higher", None, "5"),  # no target and no previous year
    "CASE-MS": ("milestone", "milestone", None, "5"),
}

TARGET = "Against target"
REFUSED = "refused"  # the save refuses the figure: not rated, with the form's message


@dataclass(frozen=True)
class Case:
    kpi: str  # a code of CASE_KPIS
    typed: str  # what is typed in the value box (for a milestone: the status chosen)
    rag: str | None  # the status a save gives it: "red", "amber", "green", None (not rated) or REFUSED
    says: str  # found in the basis shown, or in the refusal's message
    not_available: bool = False  # "Not yet available" ticked

    @property
    def label(self):
        """The word the page shows in the status tag."""
        return {"red": "Red", "amber": "Amber", "green": "Green"}.get(self.rag, "Not rated")

    def __str__(self):
        return f"{self.kpi} {self.typed!r}{' not available' if self.not_available else ''}"


CASES = [
    # Higher is better, target 2.2: exact decimals at the edge of the Amber band.
    Case("CASE-HIGH", "2.2", "green", TARGET),
    Case("CASE-HIGH", "2.20", "green", TARGET),
    Case("CASE-HIGH", "  2.5 ", "green", TARGET),
    Case("CASE-HIGH", "2.09", "amber", TARGET),  # binary floats made this Red
    Case("CASE-HIGH", "2.1", "amber", TARGET),
    Case("CASE-HIGH", "2.089", "red", TARGET),
    Case("CASE-HIGH", "0", "red", TARGET),
    Case("CASE-HIGH", "", None, "No figure entered"),
    Case("CASE-HIGH", "2.0899", REFUSED, "use no more than 3 decimal places"),
    Case("CASE-HIGH", "-1", REFUSED, "the value cannot be negative"),
    Case("CASE-HIGH", "\u22122.2", REFUSED, "the value cannot be negative"),  # the minus sign
    Case("CASE-HIGH", "5%", REFUSED, "a % sign goes only with a percentage"),
    Case("CASE-HIGH", "£2.2", REFUSED, "a £ sign goes only with an amount of money"),
    Case("CASE-HIGH", "1,2,3", REFUSED, "put commas only between thousands"),
    Case("CASE-HIGH", "1e5", REFUSED, "enter a number, like 640 or 12.5"),
    Case("CASE-HIGH", "2.2.0", REFUSED, "enter a number, like 640 or 12.5"),
    Case("CASE-HIGH", "abc", REFUSED, "enter a number, like 640 or 12.5"),
    Case("CASE-HIGH", "\uff12", REFUSED, "type the number with the digits 0 to 9"),  # a full-width 2
    Case("CASE-HIGH", "", None, "Figure not yet available", not_available=True),
    Case("CASE-HIGH", "2.2", REFUSED, "either enter a value or tick", not_available=True),
    # Lower is better, target 3.8.
    Case("CASE-LOW", "3.8", "green", TARGET),
    Case("CASE-LOW", "0", "green", TARGET),
    Case("CASE-LOW", "3.81", "amber", TARGET),
    Case("CASE-LOW", "3.99", "amber", TARGET),  # binary floats made this Red
    Case("CASE-LOW", "3.991", "red", TARGET),
    Case("CASE-LOW", "4", "red", TARGET),
    # Thousands separators, target 1,234.
    Case("CASE-BIG", "1,234", "green", TARGET),
    Case("CASE-BIG", "1234.000", "green", TARGET),
    Case("CASE-BIG", "1,234,567", "green", TARGET),
    Case("CASE-BIG", "1,172.3", "amber", TARGET),
    Case("CASE-BIG", "1,172.299", "red", TARGET),
    Case("CASE-BIG", "12,34", REFUSED, "put commas only between thousands"),
    Case("CASE-BIG", "1 234", REFUSED, "enter a number, like 640 or 12.5"),
    # A percentage, target 5.2%: the % sign is allowed here.
    Case("CASE-PCT", "5.2", "green", TARGET),
    Case("CASE-PCT", "5%", "amber", TARGET),
    Case("CASE-PCT", "4.94%", "amber", TARGET),
    Case("CASE-PCT", "4.93 %", "red", TARGET),
    Case("CASE-PCT", "101", REFUSED, "a percentage cannot be more than 100"),
    Case("CASE-PCT", "5%%", REFUSED, "enter a percentage from 0 to 100"),
    # Money, target £35,000 with no Amber band: the £ sign is allowed here.
    Case("CASE-GBP", "£35,000", "green", TARGET),
    Case("CASE-GBP", "35000", "green", TARGET),
    Case("CASE-GBP", "£34,999.99", "red", TARGET),
    # No target and no previous year: a number is not rated.
    Case("CASE-NONE", "640", None, "No target and no previous year to compare with"),
    # Milestones: rated from the status chosen, never from a number.
    Case("CASE-MS", "achieved", "green", "Milestone achieved"),
    Case("CASE-MS", "on_track", "green", "Milestone on track"),
    Case("CASE-MS", "at_risk", "amber", "Milestone at risk or delayed"),
    Case("CASE-MS", "missed", "red", "Milestone missed"),
    Case("CASE-MS", "not_started", None, "Milestone not started"),
    Case("CASE-MS", "", None, "No milestone status given"),
]


def make_case_kpis(sub_strand, financial_year=2023):
    """{code: KPI} of CASE_KPIS in `sub_strand`, with their targets for `financial_year`."""
    kpis = {}
    for order, (code, (unit, direction, target, tolerance)) in enumerate(CASE_KPIS.items(), start=50):
        kpi = KPI.objects.create(sub_strand=sub_strand, code=code, title=f"Live status case {code}", unit=unit,
                                 direction=direction, cadence=KPI.DataCadence.QUARTERLY, order=order)
        if target is not None:
            Target.objects.create(kpi=kpi, financial_year=financial_year, kind=Target.Kind.CORPORATE,
                                  value=Decimal(target), amber_tolerance=Decimal(tolerance))
        kpis[code] = kpi
    return kpis


def case_fields(case, kpi):
    """The return form's fields for a case, as a browser posts them (None: the field is not sent)."""
    if kpi.is_milestone:
        return {f"kpi-{kpi.id}-milestone_status": case.typed}
    return {f"kpi-{kpi.id}-value": case.typed, f"kpi-{kpi.id}-not_available": "on" if case.not_available else None}
