"""A property-based fuzz of every form (hypothesis): each is opened as a browser would, then posted
with fields replaced, dropped or added by hostile values (other scripts' digits, numbers too large
for any database, NUL bytes, markup, SQL, very long text, forged ids and formset counts). Every
answer is below 500, and an answer that does not accept the change (anything but a redirect)
leaves the database exactly as it was.

Bounded in time: a fixed number of examples per form, the same examples on every run
(derandomised, so that the suite never turns red by chance); about a minute per database."""
import io
import zipfile

import pytest
from auditlog.models import LogEntry
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpis.models import Measurement, Target
from objectives.models import Action, ReportingPeriod
from reporting.models import (
    ActionUpdate, Briefing, FigureBreakdownItem, OutputFigure, PlanUpdate, QuarterlyReturn, Risk, RiskAction, RiskReview,
)
from tests.reporting._returns_support import form_fields
from tests.reporting.workbooks.test_import_roundtrip import q2  # noqa: F401 - a fixture

NASTY = [
    "", " ", "0", "-1", "-0", "1", "2", "1,234", "12.5", "1,2,3", "5%", "£5", "１２", "²", "١٢٣", "½", "Ⅻ",
    "9" * 20, "9999999999999.999", "99999999999999.99", "1234567890123.457", "9223372036854775807",
    "9223372036854775808", "-9223372036854775809", "1e309", "1E5", "NaN", "-Infinity", "inf", "0x1A", "1_000",
    "\x00", "a\x00b", "\u200b", "\ufeff", "\u202e", "\ud7ff", "<script>alert(1)</script>", "' OR '1'='1", "%s%s%n",
    "{{ 7*7 }}", "{% debug %}", "../../../etc/passwd", "=cmd|' /C calc'!A0", "x" * 5001, "y" * 20_001,
    "31/02/2023", "2023-13-01", "0/0/0", "99/99/9999", "1 March 10000", "red", "GREEN", "amber ", "on", "off",
    "draft", "approved", "submit", "save", "2023-24-q9", "housing", "employment", "[]", "{}", "null", "true",
]
VALUES = st.one_of(st.sampled_from(NASTY), st.text(max_size=30), st.from_regex(r"-?[0-9,.]{1,24}", fullmatch=True))
FORGED_KEYS = ["kpi-999999-value", "kpi-1-value", "action-999999-status", "figures-TOTAL_FORMS", "figures-INITIAL_FORMS",
               "figures-0-breakdown-TOTAL_FORMS", "figures-0-remove", "version", "intent", "returns", "state",
               "id", "pk", "updated_by", "period", "recommendation", "then", "csrfmiddlewaretoken", "strategy"]
FUZZ = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
TRIED = {}  # form -> {status: count}, the figures for the note
NAMES = {}  # form -> its field names, as first seen


def fingerprint():
    """Everything a form could change."""
    return (
        list(QuarterlyReturn.objects.order_by("pk").values_list("pk", "version", "state", "commentary", "overall_rag")),
        list(Measurement.objects.order_by("pk").values_list("pk", "version", "value", "rag_override", "override_reason")),
        list(ActionUpdate.objects.order_by("pk").values_list("pk", "version", "state", "narrative", "status")),
        list(OutputFigure.objects.order_by("pk").values_list("pk", "label", "value", "rising_to")),
        FigureBreakdownItem.objects.count(),
        list(PlanUpdate.objects.order_by("pk").values_list("pk", "version", "summary", "title")),
        list(Briefing.objects.order_by("pk").values_list("pk", "version", "state", "purpose")),
        list(ReportingPeriod.objects.order_by("pk").values_list("pk", "state", "version", "dashboard_deadline")),
        list(Action.objects.order_by("pk").values_list("pk", "status")),
        list(Target.objects.order_by("pk").values_list("pk", "kpi_id", "financial_year", "kind", "value", "is_primary")),
        list(RiskReview.objects.order_by("pk").values_list("pk", "version", "state", "commentary", "current_likelihood")),
        list(RiskAction.objects.order_by("pk").values_list("pk", "status", "description", "owner", "due_date")),
        list(Risk.objects.order_by("pk").values_list("pk", "version", "reference", "title", "owner_id", "objective_id",
                                                     "inherent_likelihood", "target_impact", "exempt")),
        list(Risk.kpis.through.objects.order_by("pk").values_list("risk_id", "kpi_id")),
        LogEntry.objects.count(),
    )


@pytest.fixture
def world(q2, demo_users, client_for):  # noqa: F811
    """Q2 with returns in every state, an approved Q1, a June 2018 plan round with the officer's draft
    update on (14) with a figure and its breakdown, and a submitted update on (3)."""
    june = PlanUpdate.objects.create(plan=PlanUpdate.objects.get(slug="2017-12").plan, slug="2018-06",
                                     title="June 2018", as_at="2018-06-30")
    au = ActionUpdate.objects.create(action=Action.objects.get(plan__slug="employment", number=14), plan_update=june,
                                     narrative="Draft narrative", state="draft")
    fig = OutputFigure.objects.create(action_update=au, order=1, label="Referrals", value=91, unit="referrals")
    FigureBreakdownItem.objects.create(figure=fig, order=1, label="Start up", value=91)
    ActionUpdate.objects.create(action=Action.objects.get(plan__slug="employment", number=3), plan_update=june,
                                narrative="Ready for approval", state="submitted")
    # The officer's risk SR1 (not reviewed yet in Q2, one action) and SR2, its Q2 review submitted.
    period = ReportingPeriod.objects.get(slug="2023-24-q2")
    for reference in ("SR1", "SR2"):
        risk = Risk.objects.create(strategy=period.strategy, reference=reference, title="A risk", owner=demo_users["officer"],
                                   inherent_likelihood=4, inherent_impact=4, target_likelihood=2, target_impact=2)
        RiskAction.objects.create(risk=risk, description="An action")
    RiskReview.objects.create(risk=risk, period=period, state="submitted", current_likelihood=3, current_impact=3,
                              direction="stable", commentary="Ready for approval")
    return {name: client_for(name) for name in ("officer", "coordinator", "approver", "cabinet")}


UNCHANGED = "the fingerprint a refused example left"  # kept in `world` for the next example
PLAN_ROUND = "/action-plans/employment/reports/2018-06/"
RISKS = "/risks/sefton-economic-strategy/"
CASES = {
    # name: (who, the page holding the form, where it posts (None: the same page), the form's css class)
    "return": ("officer", "/periods/2023-24-q2/returns/housing/", None, "app-return-form"),
    "return (coordinator, not started)": ("coordinator", "/periods/2023-24-q2/returns/digital/", None, "app-return-form"),
    "send back a return": ("approver", "/periods/2023-24-q2/returns/tourism/send-back/", None, None),
    "reopen a return": ("coordinator", "/periods/2023-24-q1/returns/housing/reopen/", None, None),
    "bulk approve": ("approver", "/review/", "/review/approve/", None),
    "approve a return": ("approver", "/periods/2023-24-q2/returns/tourism/", "/periods/2023-24-q2/returns/tourism/approve/",
                         "app-approve-form"),
    "open a period": ("coordinator", "/periods/2023-24-q3/open/", None, None),
    "close a period": ("coordinator", "/calendar/?year=2023", "/periods/2023-24-q2/close/", "__none__"),
    "new plan round": ("coordinator", "/action-plans/employment/reports/new/", None, None),
    "plan report cover": ("coordinator", PLAN_ROUND + "cover/", None, None),
    "new recommendation update": ("officer", PLAN_ROUND + "progress/new/", None, "app-update-form"),
    "edit a recommendation update": ("officer", PLAN_ROUND + "progress/14/edit/", None, "app-update-form"),
    "submit an update": ("officer", PLAN_ROUND + "progress/14/", PLAN_ROUND + "progress/14/submit/", "__none__"),
    "approve an update": ("approver", PLAN_ROUND + "progress/3/", PLAN_ROUND + "progress/3/approve/", "__none__"),
    "send back an update": ("approver", PLAN_ROUND + "progress/3/send-back/", None, None),
    "briefing text": ("coordinator", "/periods/2023-24-q2/briefing/edit/", None, None),
    "issue the briefing": ("approver", "/periods/2023-24-q2/briefing/issue/", None, None),
    "issue an issued briefing": ("approver", "/periods/2023-24-q1/briefing/issue/", None, None),
    "reader posting anywhere": ("cabinet", "/periods/2023-24-q2/returns/housing/", None, "__none__"),
    "a year's targets": ("coordinator", "/years/2023/targets/", None, None),
    "risk review": ("officer", RISKS + "SR1/reviews/2023-24-q2/", None, "app-risk-review-form"),
    "send back a risk review": ("approver", RISKS + "SR2/reviews/2023-24-q2/", RISKS + "SR2/reviews/2023-24-q2/send-back/",
                                "app-risk-send-back-form"),
    # The register's entry (reporting/risks/entry.py): raise a risk, change one, add an action.
    "raise a risk": ("coordinator", RISKS + "raise/", None, "app-risk-entry-form"),
    "edit a risk": ("coordinator", RISKS + "SR1/edit/", None, "app-risk-entry-form"),
    "add a risk's action": ("coordinator", RISKS + "SR1/actions/add/", None, "app-risk-action-form"),
    "officer raising a risk": ("officer", RISKS + "raise/", None, "__none__"),
    "risk register report cover": ("coordinator", "/risk-reports/sefton-economic-strategy/2023-24-q2/cover/", None, None),
}


def _fields(client, page, css):
    response = client.get(page)
    assert response.status_code < 500
    if css == "__none__" or response.status_code != 200:
        return {}
    return form_fields(response.content, css_class=css)


def _fields_as_now(client, page, css, now):
    """The form's fields as its page shows them with the database as it is now (`now`, its fingerprint).
    Hypothesis's examples of one form run one after the other on one `world` (built once for them), as
    one person posting the same form again and again: the page is opened again only once the data has
    changed (an example accepted), since with everything a form could change as it was, the page shows
    the same form, its values and versions. (Opening it before every example doubled the requests.)"""
    opened = client.__dict__.setdefault("fuzz_pages_opened", {})  # page -> (fingerprint, fields); per person, per test
    if page not in opened or opened[page][0] != now:
        opened[page] = (now, _fields(client, page, css))
    return dict(opened[page][1])


@pytest.mark.parametrize("case", list(CASES))
@FUZZ
@given(data=st.data())
def test_every_form_answers_below_500_and_a_refusal_changes_nothing(world, case, data):
    who, page, target, css = CASES[case]
    client = world[who]
    # What a refused example left (checked equal to what it found) is what the next one finds: nothing
    # runs between two examples. Read again after an accepted one, or when an example stopped midway.
    before = world.pop(UNCHANGED, None) or fingerprint()
    fields = _fields_as_now(client, page, css, before)
    names = NAMES.setdefault(case, sorted(fields))  # the same choices for every example (hypothesis replays them)
    changed = data.draw(st.dictionaries(st.sampled_from(names + FORGED_KEYS) if names else st.sampled_from(FORGED_KEYS),
                                        VALUES, max_size=6), label="changed")
    dropped = data.draw(st.lists(st.sampled_from(names), max_size=2), label="dropped") if names else []
    posted = {k: v for k, v in fields.items() if k not in dropped}  # the page's own values, as it is now
    posted.update(changed)
    response = client.post(target or page.split("?")[0], posted)
    TRIED.setdefault(case, {}).setdefault(response.status_code, 0)
    TRIED[case][response.status_code] += 1
    assert response.status_code < 500, (case, posted)
    if response.status_code != 302:
        assert fingerprint() == before, (case, response.status_code, posted)
        world[UNCHANGED] = before


GET_PAGES = ["/dashboard/", "/calendar/", "/periods/2023-24-q1/briefing/", "/kpis/HOU-02/", "/sub-strands/housing/",
             "/action-plans/employment/reports/2017-12/progress/new/", "/review/", "/my-returns/", "/action-plans/",
             "/workbooks/", "/periods/2023-24-q2/returns/housing/"]
PARAMS = ["period", "objective", "lead", "status", "year", "annex", "recommendation", "page", "sort", "_export", "q"]


@pytest.mark.parametrize("who", ["coordinator", "cabinet"])
@FUZZ
@given(page=st.sampled_from(GET_PAGES), params=st.dictionaries(st.sampled_from(PARAMS), VALUES, max_size=4))
def test_every_page_with_any_query_answers_below_500(world, who, page, params):
    response = world[who].get(page, params)
    TRIED.setdefault(f"GET as {who}", {}).setdefault(response.status_code, 0)
    TRIED[f"GET as {who}"][response.status_code] += 1
    assert response.status_code < 500, (page, params)


def _template_bytes(client):
    """The return template as first downloaded (the same bytes for every example, as hypothesis needs)."""
    if "template" not in NAMES:
        NAMES["template"] = client.get("/periods/2023-24-q2/return-template.xlsx").content
    return NAMES["template"]


@FUZZ
@given(data=st.data())
def test_any_uploaded_file_is_refused_or_previewed_never_a_500(world, data):
    client = world["coordinator"]
    template = _template_bytes(client)
    kind = data.draw(st.sampled_from(["bytes", "mutated", "truncated", "part replaced"]), label="kind")
    if kind == "bytes":
        content = data.draw(st.binary(max_size=2000), label="content")
    elif kind == "truncated":
        content = template[: data.draw(st.integers(0, len(template)), label="cut")]
    elif kind == "mutated":
        content = bytearray(template)
        for _ in range(data.draw(st.integers(1, 20), label="flips")):
            i = data.draw(st.integers(0, len(content) - 1))
            content[i] = data.draw(st.integers(0, 255))
        content = bytes(content)
    else:
        with zipfile.ZipFile(io.BytesIO(template)) as zf:
            names = zf.namelist()
            victim = data.draw(st.sampled_from(names), label="part")
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
                for name in names:
                    dst.writestr(name, zf.read(name) if name != victim else data.draw(st.binary(max_size=500)))
            content = out.getvalue()
    upload = io.BytesIO(content)
    upload.name = data.draw(st.sampled_from(["returns.xlsx", "returns.XLSX", "r.xls", "x", "../../x.xlsx"]), label="name")
    before = fingerprint()
    response = client.post("/periods/2023-24-q2/import/", {"workbook": upload})
    TRIED.setdefault("workbook upload", {}).setdefault(response.status_code, 0)
    TRIED["workbook upload"][response.status_code] += 1
    assert response.status_code < 500
    assert fingerprint() == before  # an upload only previews: nothing is written before the confirmation


@FUZZ
@given(username=VALUES, password=VALUES)
@pytest.mark.django_db
def test_sign_in_with_anything_answers_below_500(username, password):
    response = Client().post("/accounts/login/", {"username": username, "password": password})
    TRIED.setdefault("sign-in", {}).setdefault(response.status_code, 0)
    TRIED["sign-in"][response.status_code] += 1
    assert response.status_code < 500


def test_zz_report_what_was_tried(capsys):
    """Not a check: prints the requests tried per form and what they got (shown with -s)."""
    with capsys.disabled():
        if TRIED:
            print("\nFuzz: requests tried per form, and the answers they got")
            for case, answers in sorted(TRIED.items()):
                print(f"  {case}: {sum(answers.values())} tried: " + ", ".join(f"{n} × {s}" for s, n in sorted(answers.items())))
