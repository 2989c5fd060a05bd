"""Helpers shared by the tests/reporting/test_returns_*.py modules: read a page's form as a browser
would post it, and take a snapshot of everything a return's workflow may write."""
from contextlib import contextmanager
from html.parser import HTMLParser

import pytest
from django.db.models.signals import post_init
from django.urls import reverse

from kpis.models import Measurement
from objectives.models import ReportingPeriod
from reporting.models import ActionUpdate, Notification, QuarterlyReturn, ReturnRevision


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Demo users are created with a quick hasher: the tests are about returns, not password storage."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class _FormParser(HTMLParser):
    """Collects the fields of the first <form> whose class contains `css_class` (or the first POST form)."""

    def __init__(self, css_class=None):
        super().__init__(convert_charrefs=True)
        self.css_class = css_class
        self.in_form = False
        self.done = False
        self.fields = {}
        self._select = None
        self._select_first = None
        self._select_chosen = False
        self._textarea = None
        self._text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.done:
            return
        if tag == "form" and not self.in_form:
            classes = (attrs.get("class") or "").split()
            if (self.css_class and self.css_class in classes) or (
                not self.css_class and (attrs.get("method") or "").lower() == "post"
                and "app-inline-form" not in classes
            ):
                self.in_form = True
            return
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields[name] = attrs.get("value", "on")
            elif kind not in ("submit", "button"):
                self.fields[name] = attrs.get("value", "")
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in attrs:
                self.fields[self._select] = value
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if not self.in_form:
            return
        if tag == "select" and self._select:
            if not self._select_chosen:
                self.fields[self._select] = self._select_first or ""
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.fields[self._textarea] = text[1:] if text.startswith("\n") else text
            self._textarea = None
        elif tag == "form":
            self.in_form, self.done = False, True

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def form_fields(html, css_class="app-return-form"):
    """The fields a browser would post from the page's form (without the submit button)."""
    parser = _FormParser(css_class)
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    return parser.fields


def date_boxes(html, name):
    """What GOV.UK's date input `name` shows in its day, month and year boxes."""
    fields = form_fields(html, css_class=None)
    return tuple(fields.get(f"{name}-{part}") for part in ("day", "month", "year"))


def return_url(period_slug="2023-24-q2", sub_slug="housing"):
    return reverse("return", args=[period_slug, sub_slug])


def open_and_post(client, changes=None, *, intent="save", period_slug="2023-24-q2", sub_slug="housing", follow=False):
    """GET the return page, change some fields, and POST the form as a browser would."""
    url = return_url(period_slug, sub_slug)
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    data = form_fields(page.content)
    assert "version" in data, "the page has no return form"
    data.update(changes or {})
    data = {k: v for k, v in data.items() if v is not None}
    data["intent"] = intent
    return client.post(url, data, follow=follow)


def database_state():
    """Everything the returns workflow writes, to prove a refused request changed nothing."""
    from auditlog.models import LogEntry

    return {
        "returns": list(QuarterlyReturn.objects.order_by("pk").values()),
        "measurements": list(Measurement.objects.order_by("pk").values()),
        "action_updates": list(ActionUpdate.objects.order_by("pk").values()),
        "revisions": list(ReturnRevision.objects.order_by("pk").values()),
        "periods": list(ReportingPeriod.objects.order_by("pk").values()),
        "emails": list(Notification.objects.order_by("pk").values()),
        "log_entries": LogEntry.objects.count(),
    }


HOUSING_COMPLETE = "Housing Q2: completions on track"


def fill(ret, by, changes=None, *, submit=False):
    """Fill in and save a return through ReturnForm and the save service, as the page does."""
    from reporting.returns.forms import ReturnForm, as_post_data, initial_form_data
    from reporting.returns.services import save_return

    data = as_post_data(initial_form_data(ret))
    data.update(changes or {})
    data["intent"] = "submit" if submit else "save"
    form = ReturnForm(quarterly_return=ret, user=by, data=data)
    assert form.is_valid(), form.errors
    return save_return(quarterly_return=ret, by=by, form=form, submit=submit)


def complete_changes():
    """What makes the Q2 Housing return complete: a status, commentary and both KPIs."""
    from kpis.models import KPI

    hou01, hou02 = KPI.objects.get(code="HOU-01"), KPI.objects.get(code="HOU-02")
    return {
        "overall_rag": "green", "commentary": HOUSING_COMPLETE,
        f"kpi-{hou01.id}-not_available": "on", f"kpi-{hou02.id}-value": "655", f"kpi-{hou02.id}-data_for": "2022/23",
    }


def housing_return(users, state="draft", period_slug="2023-24-q2", sub_slug="housing"):
    """The Q2 Housing return (complete) brought to `state` through the services, by the demo users."""
    from objectives.models import ReportingPeriod, SubStrand
    from reporting.returns import services

    period = ReportingPeriod.objects.get(slug=period_slug)
    sub = SubStrand.objects.get(slug=sub_slug)
    ret = services.start_return(sub_strand=sub, period=period, by=users["officer"])
    ret = fill(ret, users["officer"], complete_changes())
    if state == "draft":
        return ret
    ret = services.submit_return(quarterly_return=ret, by=users["officer"])
    if state == "submitted":
        return ret
    if state == "returned":
        return services.send_back_return(quarterly_return=ret, by=users["approver"], comment="Say more about 2023/24")
    ret = services.approve_return(quarterly_return=ret, by=users["approver"])
    assert state == "approved", state
    return ret


@contextmanager
def built(model):
    """The instances of `model` built meanwhile (read from the database), by Django's post_init signal."""
    found = []

    def note(sender, instance, **kwargs):
        found.append(instance)

    post_init.connect(note, sender=model, weak=False)
    try:
        yield found
    finally:
        post_init.disconnect(note, sender=model)


def read_as_facts(monkeypatch):
    """The KPIs and figures that My returns and the late returns read (as reporting.returns.completeness's
    KpiFacts and FigureFacts, not model instances), noted as they are read: ([KpiFacts], [FigureFacts])."""
    from reporting.returns.completeness import FigureFacts, KpiFacts

    noted = {KpiFacts: [], FigureFacts: []}
    for facts in noted:
        def made(self, row, *, facts=facts, init=facts.__init__):
            init(self, row)
            noted[facts].append(self)
        monkeypatch.setattr(facts, "__init__", made)
    return noted[KpiFacts], noted[FigureFacts]
