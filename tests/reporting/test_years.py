"""The next year in the app: the Economy Cell sets up a financial year's quarters from the calendar
(dates copied from the year before, to adjust), the KPIs' targets carried forward, and a page to
set the year's targets. It used to exist only in the raw administration."""
import datetime
from decimal import Decimal

import html

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from kpis.models import KPI, Target
from objectives.council import main_strategy
from objectives.models import ReportingPeriod
from reporting.years.selectors import a_year_later, proposed_year
from tests.reporting._returns_support import date_boxes, form_fields


def test_a_year_later_keeps_the_day_except_the_29th_of_february():
    assert a_year_later(datetime.date(2023, 9, 1)) == datetime.date(2024, 9, 1)
    assert a_year_later(datetime.date(2024, 2, 29)) == datetime.date(2025, 2, 28)
    assert a_year_later(None) is None


def test_the_next_year_is_proposed_from_this_years_dates(sefton):
    q = {p.number: p for p in proposed_year(2024, main_strategy())}
    assert q[2].deadline == datetime.date(2024, 9, 1)
    assert [(e.name, e.date) for e in q[4].events] == [
        ("Economy Cell meeting", datetime.date(2025, 1, 18)),
        ("Cabinet Member / Overview & Scrutiny (Regeneration & Skills)", datetime.date(2025, 3, 5))]
    assert [(e.date, e.frequency) for e in q[1].events][1] == (None, "Monthly")
    assert q[3].governance_notes == "Cabinet Member (Regeneration & Skills) briefings are monthly."
    assert all(p.existing is None for p in q.values())


def test_the_coordinator_sets_up_the_next_year_from_the_calendar(client_for):
    coordinator = client_for("coordinator")
    assert "Set up 2024/25" in coordinator.get(reverse("period-calendar") + "?year=2023").content.decode()
    page = coordinator.get(reverse("year-set-up", args=[2024])).content.decode()
    assert date_boxes(page, "p2-deadline") == ("1", "9", "2024") and "copied from the same quarter of 2023/24" in page
    assert date_boxes(page, "p4-event-2") == ("5", "3", "2025")  # the scrutiny meeting, a year on
    response = coordinator.post(reverse("year-set-up", args=[2024]), {
        "p2-deadline": "2/9/2024", "p3-event-1": "28/11/2024", "p4-deadline": "7/2/2025"})
    assert response.status_code == 302 and response["Location"] == reverse("year-targets", args=[2024])
    made = {p.number: p for p in ReportingPeriod.objects.filter(financial_year=2024)}
    assert sorted(made) == [1, 2, 3, 4] and {p.state for p in made.values()} == {"not_open"}
    assert made[2].dashboard_deadline == datetime.date(2024, 9, 2) and made[2].slug == "2024-25-q2"
    assert [(e.name, e.date) for e in made[3].events.all()] == [
        ("Economy Cell meeting", datetime.date(2024, 11, 28)),
        ("Cabinet Member (Regeneration & Skills) briefings", None)]  # left empty on the form: not yet dated
    assert made[3].start_date == datetime.date(2024, 10, 1)
    assert made[1].events.get(frequency="Monthly").date is None  # a recurring event is copied as it is
    assert made[3].source_notes == ""  # where last year's dates came from is not carried forward
    hou02 = KPI.objects.get(code="HOU-02")
    assert sorted(Target.objects.filter(kpi=hou02, financial_year=2024).values_list("kind", "value", "is_primary")) == [
        ("local_plan", Decimal("640.000"), True), ("standard_method", Decimal("587.000"), False)]
    again = coordinator.get(reverse("year-set-up", args=[2024])).content.decode()
    assert "2024/25 is already set up" in again


def test_bad_dates_are_explained_beside_the_field_and_nothing_is_set_up(client_for):
    coordinator = client_for("coordinator")
    response = coordinator.post(reverse("year-set-up", args=[2024]), {"p2-deadline": "31/2/2024"})
    assert response.status_code == 200
    assert "Enter the 2024/25 Q2 dashboard update deadline as a real date" in response.content.decode()
    response = coordinator.post(reverse("year-set-up", args=[2024]), {"p2-deadline": "1/6/2024"})
    assert "must be on or after the start of the quarter (1 July 2024)" in response.content.decode()
    assert not ReportingPeriod.objects.filter(financial_year=2024).exists()
    assert not Target.objects.filter(financial_year=2024).exists()


@pytest.mark.parametrize("username", ["officer", "approver", "cabinet"])
def test_only_the_economy_cell_sets_up_a_year(client_for, username):
    assert client_for(username).get(reverse("year-set-up", args=[2024])).status_code == 403
    assert client_for(username).post(reverse("year-targets", args=[2024])).status_code == 403


def test_the_targets_page_sets_changes_and_clears_the_years_targets(client_for):
    coordinator = client_for("coordinator")
    coordinator.post(reverse("year-set-up", args=[2024]), {})
    hou01, hou02 = KPI.objects.get(code="HOU-01"), KPI.objects.get(code="HOU-02")
    page = coordinator.get(reverse("year-targets", args=[2024])).content.decode()
    assert "2023/24: 640 (Local Plan requirement)" in page and "DIG-01" not in page  # milestones have no target
    refused = post_targets(coordinator, {f"target-{hou01.id}-value": "120", f"target-{hou01.id}-kind": ""})
    assert "Choose what kind of target the HOU-01 target is" in refused.content.decode()
    assert not Target.objects.filter(kpi=hou01, financial_year=2024).exists()
    response = post_targets(coordinator, {
        f"target-{hou01.id}-value": "120", f"target-{hou01.id}-kind": "corporate",
        f"target-{hou02.id}-value": "650", f"target-{hou02.id}-kind": "local_plan"})
    assert response.status_code == 302
    assert Target.objects.get(kpi=hou01, financial_year=2024, is_primary=True).value == Decimal("120")
    assert Target.objects.get(kpi=hou02, financial_year=2024, is_primary=True).value == Decimal("650")
    post_targets(coordinator, {f"target-{hou01.id}-value": ""})
    assert not Target.objects.filter(kpi=hou01, financial_year=2024).exists()
    assert Target.objects.filter(kpi=hou02, financial_year=2024).count() == 2  # the standard method's is left alone


# -- issue 23, point 2: the targets page as every other editing form ------------------------------


def open_targets(client, year=2024, query=""):
    """The targets page's form as a browser holds it once opened."""
    page = client.get(reverse("year-targets", args=[year]) + query)
    assert page.status_code == 200
    return form_fields(page.content, css_class=None)


def post_targets(client, changes, *, opened=None, year=2024):
    """Post the targets page (opened now, or the form `opened` earlier) with `changes`, as a browser would."""
    data = dict(opened if opened is not None else open_targets(client, year))
    data.update(changes)
    return client.post(reverse("year-targets", args=[year]), data)


def primary(code, year=2024):
    target = Target.objects.filter(kpi__code=code, financial_year=year, is_primary=True).first()
    return (target.value, target.kind) if target else None


@pytest.fixture
def next_year(client_for):
    client_for("coordinator").post(reverse("year-set-up", args=[2024]), {})  # 2024/25, targets carried forward
    return {code: KPI.objects.get(code=code) for code in ("HOU-01", "HOU-02", "PLA-01")}


def test_two_coordinators_saving_different_targets_from_pages_opened_together_keep_both(next_year, client_for, demo_users):
    hou01, hou02 = next_year["HOU-01"], next_year["HOU-02"]
    a, b = client_for("coordinator"), client_for("admin")
    page_a, page_b = open_targets(a), open_targets(b)
    assert post_targets(a, {f"target-{hou02.id}-value": "700"}, opened=page_a).status_code == 302
    assert post_targets(b, {f"target-{hou01.id}-value": "120", f"target-{hou01.id}-kind": "corporate"},
                        opened=page_b).status_code == 302
    assert primary("HOU-02") == (Decimal("700"), "local_plan")  # A's target, not emptied by B's page
    assert primary("HOU-01") == (Decimal("120"), "corporate")


def test_a_target_changed_by_someone_else_since_the_page_was_opened_is_refused_with_who_and_when(
        next_year, client_for, demo_users):
    from objectives.roles import person_name

    hou01, hou02 = next_year["HOU-01"], next_year["HOU-02"]
    a, b = client_for("coordinator"), client_for("admin")
    page_b = open_targets(b)
    assert post_targets(a, {f"target-{hou02.id}-value": "700"}).status_code == 302
    refused = post_targets(b, {f"target-{hou02.id}-value": "660", f"target-{hou01.id}-value": "5",
                               f"target-{hou01.id}-kind": "corporate"}, opened=page_b)
    said = html.unescape(refused.content.decode())
    assert refused.status_code == 409
    assert f"This HOU-02 target has been changed by {person_name(demo_users['coordinator'])} at " in said
    assert "so your changes have not been saved" in said and "It is now 700 (Local Plan requirement)" in said
    assert primary("HOU-02") == (Decimal("700"), "local_plan") and primary("HOU-01") is None  # nothing saved
    again = form_fields(refused.content, css_class=None)  # what B typed is still there: saving it again is B's choice
    assert again[f"target-{hou02.id}-value"] == "660" and again[f"target-{hou01.id}-value"] == "5"
    assert post_targets(b, {}, opened=again).status_code == 302
    assert primary("HOU-02") == (Decimal("660"), "local_plan") and primary("HOU-01") == (Decimal("5"), "corporate")


def test_the_second_click_on_save_is_told_it_saved_already(next_year, client_for, demo_users):
    hou02 = next_year["HOU-02"]
    a = client_for("coordinator")
    page = open_targets(a)
    assert post_targets(a, {f"target-{hou02.id}-value": "700"}, opened=page).status_code == 302
    refused = post_targets(a, {f"target-{hou02.id}-value": "710"}, opened=page)
    assert refused.status_code == 409 and "You saved this HOU-02 target at " in html.unescape(refused.content.decode())
    assert primary("HOU-02") == (Decimal("700"), "local_plan")


def test_the_page_saves_the_strategy_it_was_opened_for_whatever_is_chosen_since(next_year, client_for):
    """It used to build its rows from the strategy chosen when it was posted: another strategy's
    target (CL-01's 8,000) was emptied, nothing saved, and it said "saved (1 changed)"."""
    from tests.factories import KPIFactory, ObjectiveFactory, StrategyFactory, SubStrandFactory, TargetFactory

    other = StrategyFactory(name="Child Poverty Strategy", slug="child-poverty")
    cl01 = KPIFactory(code="CL-01", sub_strand=SubStrandFactory(objective=ObjectiveFactory(strategy=other, slug="cl")))
    TargetFactory(kpi=cl01, financial_year=2024, value=8000, kind="corporate")
    hou02 = next_year["HOU-02"]
    coordinator = client_for("coordinator")
    page = open_targets(coordinator, query="?strategy=sefton-economic-strategy")
    assert f"target-{hou02.id}-value" in page and f"target-{cl01.id}-value" not in page
    assert open_targets(coordinator, query="?strategy=child-poverty")  # another tab: the other strategy chosen
    response = post_targets(coordinator, {f"target-{hou02.id}-value": "700"}, opened=page)
    assert response.status_code == 302
    assert primary("HOU-02") == (Decimal("700"), "local_plan")
    assert primary("CL-01") == (Decimal("8000"), "corporate")  # not emptied
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["The targets for 2024/25 have been saved (1 changed)."]


@pytest.mark.parametrize("forged", [None, "", "999999", "abc", "-1", "1.0"])
def test_a_missing_or_forged_strategy_is_refused_and_nothing_is_saved(next_year, client_for, forged):
    hou02 = next_year["HOU-02"]
    coordinator = client_for("coordinator")
    page = open_targets(coordinator)
    page.pop("strategy")
    if forged is not None:
        page["strategy"] = forged
    refused = post_targets(coordinator, {f"target-{hou02.id}-value": "700"}, opened=page)
    assert refused.status_code == 400
    assert "did not say which strategy's targets it was opened for" in html.unescape(refused.content.decode())
    assert primary("HOU-02") == (Decimal("640"), "local_plan")


def test_a_blank_is_written_only_where_the_person_emptied_a_target(next_year, client_for):
    hou01, hou02, pla01 = next_year["HOU-01"], next_year["HOU-02"], next_year["PLA-01"]
    before = primary("PLA-01")
    coordinator = client_for("coordinator")
    page = open_targets(coordinator)
    for name in (f"target-{pla01.id}-value", f"target-{pla01.id}-kind"):  # a row the post does not carry
        page.pop(name, None)
    page.pop(f"target-{hou01.id}-version")  # nor the version of this one
    response = post_targets(coordinator, {f"target-{hou01.id}-value": "", f"target-{hou02.id}-value": "650"}, opened=page)
    assert response.status_code == 302
    assert primary("PLA-01") == before and primary("HOU-02") == (Decimal("650"), "local_plan")
    nothing = post_targets(coordinator, {})
    assert nothing.status_code == 302
    assert [str(m) for m in get_messages(nothing.wsgi_request)] == [
        "No target for 2024/25 was changed on the page, so there was nothing to save."]


def test_with_no_strategy_yet_a_year_cannot_be_set_up_and_says_why(db):
    """It used to be a server error: a year is a strategy's, and there is none before one is loaded."""
    from django.test import Client

    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(is_superuser=True), backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("year-set-up", args=[2024]), follow=True)
    assert response.status_code == 200 and "There is no strategy yet" in response.content.decode()
    assert 'href="/years/2024/set-up/"' not in response.content.decode()  # the calendar offers no set-up
    assert not ReportingPeriod.objects.exists()


@pytest.mark.parametrize("typed, said", [
    ("123.4567890123456", "The HOU-02 target can have at most 3 decimal places"),
    ("640.0001", "The HOU-02 target can have at most 3 decimal places"),
    ("9999999999999", "The HOU-02 target is too large: the largest it can be is 999,999,999,999.999"),
    ("1000000000000.5", "The HOU-02 target is too large"),
])
def test_a_target_the_database_cannot_hold_is_refused_with_its_reason(next_year, client_for, typed, said):
    hou02 = next_year["HOU-02"]
    refused = post_targets(client_for("coordinator"), {f"target-{hou02.id}-value": typed})
    assert refused.status_code == 200 and said in html.unescape(refused.content.decode())
    assert primary("HOU-02") == (Decimal("640"), "local_plan")


def test_a_target_is_read_as_people_type_it(next_year, client_for):
    hou02 = next_year["HOU-02"]
    assert post_targets(client_for("coordinator"), {f"target-{hou02.id}-value": "1,250.5"}).status_code == 302
    assert primary("HOU-02") == (Decimal("1250.5"), "local_plan")


def test_the_targets_fields_are_drawn_as_gov_uk_fields(next_year, client_for):
    """The targets' fields are added after the form is made: they still get GOV.UK's classes (a plain,
    browser-default box was hard to see and to hit at 375 px)."""
    import re

    hou02 = next_year["HOU-02"]
    page = client_for("coordinator").get(reverse("year-targets", args=[2024])).content.decode()
    value = re.search(rf'<input[^>]*name="target-{hou02.id}-value"[^>]*>', page).group(0)
    kind = re.search(rf'<select[^>]*name="target-{hou02.id}-kind"[^>]*>', page).group(0)
    assert "govuk-input" in value.split('class="')[1].split('"')[0].split()
    assert "govuk-select" in kind


# -- issue 24, point 1: the targets page a page of KPIs at a time ---------------------------------


def test_the_targets_page_shows_a_page_of_kpis_at_a_time_and_saves_those_it_showed(next_year, client_for, monkeypatch):
    from reporting.years import selectors

    monkeypatch.setattr(selectors, "TARGETS_PER_PAGE", 5)
    coordinator = client_for("coordinator")
    codes = [row.kpi.code for row in selectors.target_rows(2024, main_strategy())]
    assert len(codes) > 10
    first = coordinator.get(reverse("year-targets", args=[2024])).content.decode()
    assert f"KPIs 1 to 5 of {len(codes)}" in first and 'href="?page=2#targets-shown"' in first
    assert all(f'id="kpi-{code}"' in first for code in codes[:5])
    assert not any(f'id="kpi-{code}"' in first for code in codes[5:])
    second = open_targets(coordinator, query="?page=2")
    on_second = KPI.objects.get(code=codes[6])
    assert f"target-{on_second.id}-value" in second and len([k for k in second if k.endswith("-version")]) == 5
    second.update({f"target-{on_second.id}-value": "4321", f"target-{on_second.id}-kind": "corporate"})
    response = coordinator.post(reverse("year-targets", args=[2024]) + "?page=2", second)
    assert response.status_code == 302 and response["Location"].endswith("/years/2024/targets/?page=2")
    assert primary(codes[6]) == (Decimal("4321"), "corporate")


def test_a_target_is_saved_when_its_kpi_has_moved_to_another_page_since_the_page_was_opened(
        next_year, client_for, monkeypatch):
    from reporting.years import selectors

    monkeypatch.setattr(selectors, "TARGETS_PER_PAGE", 5)
    coordinator = client_for("coordinator")
    opened = open_targets(coordinator, query="?page=2")
    last = next(KPI.objects.get(id=int(k.split("-")[1])) for k in reversed(list(opened)) if k.endswith("-version"))
    first_kpi = KPI.objects.get(id=selectors.target_rows(2024, main_strategy())[0].kpi.id)
    first_kpi.is_active = False  # the list shifts by one: the last KPI of page 2 is now on page 3
    first_kpi.save()
    opened.update({f"target-{last.id}-value": "77", f"target-{last.id}-kind": "corporate"})
    assert coordinator.post(reverse("year-targets", args=[2024]) + "?page=2", opened).status_code == 302
    assert primary(last.code) == (Decimal("77"), "corporate")


def test_the_targets_page_makes_the_same_number_of_queries_at_two_sizes(next_year, client_for, monkeypatch):
    """Its build, for each request (the kept page's queries: tests/reporting/test_targets_kept.py)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reporting import readers_cache
    from tests.factories import KPIFactory, SubStrandFactory, TargetFactory

    monkeypatch.setattr(readers_cache, "kept", lambda request, name, *parts, user=None, build: build())

    coordinator = client_for("coordinator")
    url = reverse("year-targets", args=[2024])
    coordinator.get(url)

    def count():
        coordinator.get(url)  # what requests share, read again since the data changed (reporting.readers_cache)
        with CaptureQueriesContext(connection) as ctx:
            assert coordinator.get(url).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    sub = SubStrandFactory(objective=KPI.objects.get(code="HOU-01").sub_strand.objective, order=99)
    for _ in range(60):
        TargetFactory(kpi=KPIFactory(sub_strand=sub), financial_year=2024, value=10, kind="corporate")
    assert count() == small


def test_the_targets_page_renders_the_same_templates_whatever_its_number_of_kpis(next_year, client_for, monkeypatch):
    """A page of fifty KPIs is 400 fields: each KPI's fieldset is drawn in Python (reporting.years.markup),
    not through a template (or two) a KPI, so the templates the page renders do not grow with its rows."""
    from django.test.signals import template_rendered

    from reporting.years import selectors
    from tests.factories import KPIFactory, SubStrandFactory, TargetFactory

    monkeypatch.setattr(selectors, "TARGETS_PER_PAGE", 500)  # every KPI on the one page
    coordinator = client_for("coordinator")
    url = reverse("year-targets", args=[2024])

    def templates():
        rendered = []

        def seen(sender, template, **kwargs):
            rendered.append(template.name)

        template_rendered.connect(seen)
        try:
            assert coordinator.get(url).status_code == 200
        finally:
            template_rendered.disconnect(seen)
        return rendered

    few = templates()
    sub = SubStrandFactory(objective=KPI.objects.get(code="HOU-01").sub_strand.objective, order=99)
    for _ in range(30):
        TargetFactory(kpi=KPIFactory(sub_strand=sub), financial_year=2024, value=10, kind="corporate")
    more = templates()
    assert len(more) == len(few)
    assert "partials/field_errors.html" not in more


def test_the_targets_are_read_without_joins_for_ordering(next_year):
    """Target's own ordering (by KPI, through its sub-strand and objective) joins three tables to the
    targets' read: the page needs them ordered only within each KPI."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reporting.years.selectors import target_page

    with CaptureQueriesContext(connection) as ctx:
        page = target_page(2024, main_strategy())
    read = next(q["sql"] for q in ctx.captured_queries if 'FROM "kpis_target"' in q["sql"])
    assert "JOIN" not in read.upper()
    assert any(row.this_year is not None for row in page.object_list)


def test_each_figure_of_a_target_keeps_its_own_words_and_box(next_year):
    """A row's baseline and points are made from its target's field: each still says what it is when it
    is refused, and each has its own box (the classes one gets are not another's)."""
    from reporting.years.forms import TargetsForm
    from reporting.years.selectors import target_rows

    rows = target_rows(2024, main_strategy())
    row = rows[0]
    code = row.kpi.code
    data = {f"target-{row.kpi.id}-{part}": "99999999999999999" for part in ("value", "baseline", "point-1")}
    data[f"target-{row.kpi.id}-kind"] = "corporate"
    form = TargetsForm(data, rows=rows, strategy=main_strategy(), year=2024)
    assert not form.is_valid()
    assert form.errors[f"target-{row.kpi.id}-value"][0].startswith(f"The {code} target is too large")
    assert form.errors[f"target-{row.kpi.id}-baseline"][0].startswith(f"The {code} baseline is too large")
    assert form.errors[f"target-{row.kpi.id}-point-1"][0].startswith(f"The {code} point for 2024/25 Q1 is too large")
    value, baseline = form.fields[f"target-{row.kpi.id}-value"], form.fields[f"target-{row.kpi.id}-baseline"]
    assert value.widget is not baseline.widget and "govuk-input--error" in baseline.widget.attrs["class"]
    assert "govuk-input--error" not in form.fields[f"target-{row.kpi.id}-point-2"].widget.attrs["class"]


def test_each_rows_selects_keep_their_own_words_and_box(next_year):
    """A row's kind and trajectory are made as copies of fields made once for every row: each still says
    its own KPI when refused, and each has its own box (one row's error classes are not another's)."""
    from reporting.years.forms import TargetsForm
    from reporting.years.selectors import target_rows

    rows = target_rows(2024, main_strategy())
    first, second, third = rows[:3]
    data = {f"target-{row.kpi.id}-trajectory": "sideways" for row in (first, second)}
    data[f"target-{first.kpi.id}-kind"] = "guessed"
    form = TargetsForm(data, rows=rows, strategy=main_strategy(), year=2024)
    assert not form.is_valid()
    for row in (first, second):
        assert form.errors[f"target-{row.kpi.id}-trajectory"] == [
            f"Choose how the {row.kpi.code} target runs through the year from the list"]
    assert f"target-{first.kpi.id}-kind" in form.errors and f"target-{second.kpi.id}-kind" not in form.errors
    kinds = [form.fields[f"target-{row.kpi.id}-kind"] for row in (first, second, third)]
    assert [kind.label for kind in kinds] == [f"{row.kpi.code} kind of target" for row in (first, second, third)]
    assert len({id(kind.widget) for kind in kinds}) == 3
    assert "govuk-select--error" in kinds[0].widget.attrs["class"]
    assert "govuk-select--error" not in kinds[1].widget.attrs["class"]
    third_trajectory = form.fields[f"target-{third.kpi.id}-trajectory"]
    assert "govuk-select--error" not in third_trajectory.widget.attrs["class"]
    assert third_trajectory.error_messages["invalid_choice"].startswith(f"Choose how the {third.kpi.code} target")
