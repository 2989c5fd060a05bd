"""Helpers for the action-plan tests: page text, tables, and a plan of any size."""
import html
import re
from decimal import Decimal
from html.parser import HTMLParser

from objectives.models import Action, ActionPlan
from reporting.models import ActionUpdate, FigureBreakdownItem, OutputFigure, PlanUpdate


def main_text(response):
    """The <main> of a page as text, tags removed and entities decoded."""
    content = response.content.decode()
    start, end = content.index("<main"), content.index("</main>")
    return html.unescape(re.sub(r"<[^>]+>", " ", content[start:end]))


def squash(text):
    """Text with all whitespace removed, so that line breaks from the PDF never matter."""
    return re.sub(r"\s+", "", text)


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables, self._table, self._cell, self._in_caption = [], None, None, False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._table = {"caption": "", "rows": []}
        elif self._table is not None and tag == "caption":
            self._in_caption = True
        elif self._table is not None and tag == "tr":
            self._table["rows"].append([])
        elif self._table is not None and tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "table" and self._table is not None:
            self._table["caption"] = " ".join(self._table["caption"].split())
            self.tables.append(self._table)
            self._table = None
        elif tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None:
            self._table["rows"][-1].append(" ".join(self._cell.split()))
            self._cell = None

    def handle_data(self, data):
        if self._in_caption:
            self._table["caption"] += data
        elif self._cell is not None:
            self._cell += data


def tables_of(response):
    """Every table of a page: [{"caption": str, "rows": [[cell text, …], …]}] (header row first)."""
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


def make_plan(n_actions, *, slug="big-plan", state="approved", owner=None):
    """A plan with n numbered actions, one round, and an update on each with two figures (one with
    a breakdown). Returns (plan, round)."""
    plan = ActionPlan.objects.create(name=f"Plan {slug}", slug=slug)
    round_ = PlanUpdate.objects.create(plan=plan, slug="2018-06", title=f"{slug} update at June 2018",
                                       as_at="2018-06-30", summary="A summary.")
    for n in range(1, n_actions + 1):
        action = Action.objects.create(plan=plan, number=n, title=f"Action {n}", wording=f"Wording of action {n}.",
                                       status=["on_track", "at_risk", "complete", "superseded"][n % 4])
        if owner is not None:
            action.owners.add(owner)
        update = ActionUpdate.objects.create(action=action, plan_update=round_, narrative=f"Progress on {n}.",
                                             state=state)
        OutputFigure.objects.create(action_update=update, order=1, label="Jobs", value=Decimal(10 * n), unit="jobs")
        fig = OutputFigure.objects.create(action_update=update, order=2, label="Referrals", value=None, unit="referrals")
        FigureBreakdownItem.objects.create(figure=fig, order=1, label="Start up", value=3)
        FigureBreakdownItem.objects.create(figure=fig, order=2, label="Premises", value=4)
    return plan, round_


def update_post(*, narrative="", status="", figures=(), version=None, recommendation=None, blank_figures=1):
    """POST data for the update form: figures as dicts with optional "breakdown" [(label, value)]."""
    data = {"narrative": narrative, "status": status}
    if version is not None:
        data["version"] = str(version)
    if recommendation is not None:
        data["recommendation"] = str(recommendation)
    figures = list(figures) + [{}] * blank_figures
    data.update({"figures-TOTAL_FORMS": str(len(figures)), "figures-INITIAL_FORMS": "0",
                 "figures-MIN_NUM_FORMS": "0", "figures-MAX_NUM_FORMS": "30"})
    for i, fig in enumerate(figures):
        for key in ("label", "qualifier", "value", "unit", "rising_to", "period_covered", "note"):
            data[f"figures-{i}-{key}"] = str(fig.get(key, ""))
        if fig.get("is_projected"):
            data[f"figures-{i}-is_projected"] = "on"
        if fig.get("remove"):
            data[f"figures-{i}-remove"] = "on"
        rows = list(fig.get("breakdown", [])) + [("", "")]
        data.update({f"figures-{i}-breakdown-TOTAL_FORMS": str(len(rows)), f"figures-{i}-breakdown-INITIAL_FORMS": "0",
                     f"figures-{i}-breakdown-MIN_NUM_FORMS": "0", f"figures-{i}-breakdown-MAX_NUM_FORMS": "40"})
        for j, (label, value) in enumerate(rows):
            data[f"figures-{i}-breakdown-{j}-label"] = label
            data[f"figures-{i}-breakdown-{j}-value"] = str(value)
    return data
