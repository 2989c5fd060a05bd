"""What needs attention (reporting.attention): each rule fires from planted figures and cites the
right figure and period, and does not fire on a near miss; one line per KPI; the ranking."""
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from kpis.models import KPI, Measurement
from objectives import cadence as cadences
from objectives.models import ReportingPeriod
from reporting import attention
from reporting.attention import YearEndOutlook

D = datetime.date
ON = D(2023, 12, 1)  # the day the figures are judged on: 2023/24 Q3


def quarters(count, end=(2023, 2)):
    """`count` quarters ending with 2023/24 Q2, oldest first."""
    fy, q = end
    out = []
    for _ in range(count):
        start, stop = cadences.dates(fy, q)
        out.append(ReportingPeriod(financial_year=fy, number=q, cadence=cadences.QUARTERLY, start_date=start, end_date=stop))
        fy, q = (fy, q - 1) if q > 1 else (fy - 1, 4)
    return out[::-1]


_ids = iter(range(1, 10_000))


def make_kpi(direction="higher", **kwargs):
    unit = "milestone" if direction == "milestone" else "number"
    kwargs.setdefault("kind", KPI.Kind.MILESTONE if direction == "milestone" else KPI.Kind.TARGETED)
    return KPI(id=next(_ids), code=kwargs.pop("code", f"K-{next(_ids)}"), title=kwargs.pop("title", "Visitors"),
               direction=direction, unit=unit, cadence="quarterly", **kwargs)


def plant(kpi, values=(), *, rags=None, statuses=None, commentary="Explained.", target=None, last_commentary=None,
          frozen=True):
    """The KPI's figures, one a quarter ending 2023/24 Q2, as they are read (each with its period)."""
    n = len(statuses or values)
    figures = []
    for i, period in enumerate(quarters(n)):
        m = Measurement(kpi=kpi, period=period, value=None if statuses else Decimal(values[i]),
                        milestone_status=statuses[i] if statuses else "", rag_calculated=(rags or [""] * n)[i],
                        commentary=commentary, frozen_target=target, frozen_at=timezone.now() if frozen else None)
        m.frozen_rag = m.rag_calculated
        m.period_key = period.order_key
        figures.append(m)
    if last_commentary is not None:
        figures[-1].commentary = last_commentary
    return figures


def line_for(kpi, figures, outlooks=None):
    [facts] = attention.gather([kpi], figures, on=ON, targets={}, outlooks=outlooks)
    return attention.lines_of(facts)


STEADY = [100, 102, 98] * 4 + [100]  # 13 figures, mean 100, mean moving range 32/12: limits 92.91 to 107.09
BELOW_LIMIT = [100, 101, 99, 100, 102, 98, 100, 101, 99, 100, 102, 98, 100, 60]
SHIFT = [110, 90, 110, 90, 110, 90, 110, 98, 97, 98, 97, 98, 97]  # the last 6 below the mean (99.62)
SHIFT_OF_FIVE = [110, 90, 110, 90, 110, 90, 110, 110, 97, 98, 97, 98, 97]
TREND = [100, 104, 96, 104, 96, 104, 96, 104, 103, 102, 101, 100, 99]  # the last 6 each lower
TREND_OF_FIVE = [100, 104, 96, 104, 96, 104, 96, 104, 105, 102, 101, 100, 99]

# (name, KPI direction, figures planted, what the line must say, or None: no line)
CASES = [
    ("beyond a limit", "higher", dict(values=BELOW_LIMIT),
     ("special_cause", "60 for 2023/24 Q2 is below the lower process limit (")),
    ("beyond a limit, on the good side", "lower", dict(values=BELOW_LIMIT), None),
    ("within the limits", "higher", dict(values=BELOW_LIMIT[:-1] + [97]), None),
    ("a shift below", "higher", dict(values=SHIFT),
     ("shift_or_trend", "6 figures in a row below the average of 99.62, from 2022/23 Q1 to 2023/24 Q2 (latest 97)")),
    ("a shift of five", "higher", dict(values=SHIFT_OF_FIVE), None),
    ("a shift below, the good side", "lower", dict(values=SHIFT), None),
    ("a trend down", "higher", dict(values=TREND),
     ("shift_or_trend", "6 figures in a row each lower than the one before, from 104 for 2022/23 Q1 to 99 for 2023/24 Q2")),
    ("a trend of five", "higher", dict(values=TREND_OF_FIVE), None),
    ("consistently failing", "higher", dict(values=STEADY, target=Decimal(200)),
     ("failing", "100 for 2023/24 Q2 against a target of 200; the process limits (92.91 to 107.09) lie wholly below")),
    ("hit or miss", "higher", dict(values=STEADY, target=Decimal(105)), None),
    ("red two quarters running", "higher", dict(values=[5, 6, 7], rags=["green", "red", "red"]),
     ("red_running", "Red for 2023/24 Q1 (6) and for 2023/24 Q2 (7): Red two quarters running.")),
    ("red then amber", "higher", dict(values=[5, 6, 7], rags=["red", "red", "amber"]), None),
    ("a milestone at risk", "milestone", dict(statuses=["on_track", "at_risk"]),
     ("milestone", "At risk or delayed for 2023/24 Q2, was On track for 2023/24 Q1: a milestone slipping.")),
    ("a milestone moved back", "milestone", dict(statuses=["achieved", "on_track"]),
     ("milestone", "On track for 2023/24 Q2, was Achieved for 2023/24 Q1")),
    ("a milestone back on track", "milestone", dict(statuses=["at_risk", "on_track"]), None),
    ("red with no commentary", "higher", dict(values=[5, 6], rags=["green", "red"], last_commentary=""),
     ("no_commentary", "Red for 2023/24 Q2 (6), with no commentary to say why.")),
    ("red with commentary", "higher", dict(values=[5, 6], rags=["green", "red"]), None),
]


@pytest.mark.parametrize("name, direction, planted, expected", CASES, ids=[c[0] for c in CASES])
def test_each_rule_fires_from_planted_figures_and_cites_them(name, direction, planted, expected):
    kpi = make_kpi(direction)
    found = line_for(kpi, plant(kpi, **planted))
    if expected is None:
        assert found is None, found and found.sentence
        return
    rule, words = expected
    assert found is not None, name
    assert found.rule.key == rule
    assert words in found.words
    assert found.sentence.startswith(f"{kpi.code} Visitors: ")
    assert found.period_label == "2023/24 Q2"


def test_the_special_cause_line_cites_the_limit_to_two_decimals():
    kpi = make_kpi()
    found = line_for(kpi, plant(kpi, values=BELOW_LIMIT))
    point = attention.gather([kpi], plant(kpi, values=BELOW_LIMIT), on=ON, targets={})[0].last_point
    assert f"lower process limit ({point.lower_limit.quantize(Decimal('0.01')).normalize():f})" in found.words


def test_two_of_three_near_a_limit_is_a_special_cause_concern():
    kpi = make_kpi()
    values = [100, 101, 99] * 4 + [100, 96, 99, 96]  # mean 99.44, lower limit 94.83, two-sigma line 96.36
    found = line_for(kpi, plant(kpi, values=values))
    assert found.rule.key == "special_cause"
    assert found.words == ("two of the last three figures (96 for 2022/23 Q4 and 96 for 2023/24 Q2) are close to the "
                           "lower process limit (94.83): a special-cause concern.")


def test_forecast_to_miss_fires_from_the_outlook_given_and_is_skipped_without_one():
    kpi = make_kpi()
    figures = plant(kpi, values=[5, 6])
    miss = {kpi.id: YearEndOutlook(year_label="2023/24", forecast_text="590", target_text="640", misses_target=True,
                                   basis="computed from the run rate")}
    found = line_for(kpi, figures, outlooks=miss)
    assert found.rule.key == "forecast"
    assert found.words.startswith("forecast 590 at the end of 2023/24 against a target of 640 (computed from the run rate)")
    meets = {kpi.id: YearEndOutlook(year_label="2023/24", forecast_text="700", target_text="640", misses_target=False)}
    assert line_for(kpi, figures, outlooks=meets) is None
    assert line_for(kpi, figures, outlooks=None) is None


def test_a_stale_figure_is_a_line_and_not_yet_available_is_not():
    kpi = make_kpi()
    old = plant(kpi, values=[5])
    old[0].period = quarters(1, end=(2021, 1))[0]
    found = line_for(kpi, old)
    assert found.rule.key == "stale"
    assert found.words == "the latest figure is for 2021/22 Q1 (5), due again by 30 September 2021: a stale figure."
    late = plant(kpi, values=[5])
    late[0].period = quarters(1, end=(2021, 1))[0]
    late[0].value, late[0].not_available, late[0].expected_date = None, True, D(2022, 1, 1)
    assert line_for(kpi, late) is None


def test_a_kpi_gets_one_line_its_most_serious_rule_with_the_others_named():
    kpi = make_kpi()
    found = line_for(kpi, plant(kpi, values=[5, 6, 7], rags=["green", "red", "red"], last_commentary=""))
    assert found.rule.key == "red_running"
    assert found.words.endswith("Also: red or concerning with no commentary.")


def test_the_list_is_ranked_by_the_rule_then_the_kpis_place():
    first, second, third = make_kpi(code="A-1"), make_kpi(code="B-1"), make_kpi(code="C-1")
    figures = (plant(first, values=[5, 6], rags=["green", "red"], last_commentary="")  # no commentary: rank 7
               + plant(second, values=BELOW_LIMIT)  # special cause: rank 1
               + plant(third, values=[5, 6, 7], rags=["green", "red", "red"]))  # red running: rank 3
    facts = attention.gather([first, second, third], figures, on=ON, targets={})
    lines = attention.ranked([attention.lines_of(f) for f in facts], {first.id: 0, second.id: 1, third.id: 2})
    assert [(line.kpi.code, line.rule.key) for line in lines] == [
        ("B-1", "special_cause"), ("C-1", "red_running"), ("A-1", "no_commentary")]
    # the same rule: by the KPI's place
    facts = attention.gather([third, first], plant(first, values=[1, 2], rags=["red", "red"])
                             + plant(third, values=[1, 2], rags=["red", "red"]), on=ON, targets={})
    lines = attention.ranked([attention.lines_of(f) for f in facts], {third.id: 0, first.id: 1})
    assert [line.kpi.code for line in lines] == ["C-1", "A-1"]


def test_the_rules_table_is_the_one_order():
    assert [rule.key for rule in attention.RULES] == [
        "special_cause", "forecast", "red_running", "shift_or_trend", "failing", "milestone", "no_commentary", "stale",
        "outside_appetite"]


def test_as_text_numbers_the_lines_for_the_briefing():
    kpi = make_kpi(code="HOU-9")
    found = line_for(kpi, plant(kpi, values=[5, 6], rags=["red", "red"]))
    assert attention.as_text([found]) == f"1. {found.sentence}"


def test_a_synthetic_figure_is_marked_so_in_the_line_and_the_briefings_text():
    kpi = make_kpi(code="HOU-8")
    figures = plant(kpi, values=[5, 6], rags=["red", "red"])
    figures[-1].is_synthetic = True
    found = line_for(kpi, figures)
    assert found.is_synthetic
    assert attention.as_text([found]).endswith("Red two quarters running. (synthetic)")


def test_the_briefings_text_is_short_and_says_how_many_more():
    kpis = [make_kpi(code=f"M-{i}") for i in range(12)]
    figures = [m for kpi in kpis for m in plant(kpi, values=[5, 6], rags=["red", "red"])]
    lines = [attention.lines_of(f) for f in attention.gather(kpis, figures, on=ON, targets={})]
    text = attention.as_text(lines, shown=10).split("\n")
    assert len(text) == 11 and text[9].startswith("10. M-9 ")
    assert text[10] == "2 more KPIs meet a rule: the dashboard lists them all."
