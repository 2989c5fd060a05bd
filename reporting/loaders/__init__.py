"""Loads a council's strategy files: the YAML files in fixtures/ and any council's of the same
format (fixtures/README.md; `manage.py load_strategy FILE…`; the demo's own command loads DEMO_LIST).

Loading is all or nothing: every file is read and every reference checked inside one transaction,
and the first problem stops the load with a message naming the file, the entry and what is wrong,
leaving the database as it was. Loading the same files twice changes nothing.

One module per concern: base (the plumbing), strategy (the council, the strategy, its objectives,
sub-strands, KPIs, targets and periods), plans (action plans), returns (returns and briefings), risks
(the council's risk matrix and a strategy's risk register)."""
from pathlib import Path

import yaml
from django.conf import settings
from django.db import IntegrityError, transaction

from reporting.loaders.base import FixtureError
from reporting.loaders.plans import PlanLoading
from reporting.loaders.returns import CHOICE_FIELDS, ReturnLoading
from reporting.loaders.risks import RiskLoading
from reporting.loaders.strategy import StrategyLoading

__all__ = ["FixtureError", "Loader", "load_fixture_files", "read_yaml", "demo_files", "CHOICE_FIELDS"]

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
DEMO_LIST = FIXTURES_DIR / "demo_files.txt"  # the demo's strategy files, one a line (the demo's command)
SECTIONS = ("council", "strategy", "objectives", "periods", "action_plans", "returns", "briefings", "risk_matrix", "risks")


class _Loader(StrategyLoading, PlanLoading, ReturnLoading, RiskLoading):
    def load(self, doc):
        if not isinstance(doc, dict):
            self.fail("top level", "expected a mapping with keys such as council, strategy, objectives, periods")
        unknown = set(doc) - set(SECTIONS)
        if unknown:
            self.fail("top level", f"unknown section(s) {', '.join(sorted(unknown))}; expected {', '.join(sorted(SECTIONS))}")
        if "council" in doc:
            self.load_council(doc["council"])
        strategy = self.load_strategy(doc["strategy"]) if "strategy" in doc else None
        for i, objective in enumerate(doc.get("objectives") or []):
            self.load_objective(objective, strategy, f"objectives[{i}]")
        for i, period in enumerate(doc.get("periods") or []):
            self.load_period(period, strategy, f"periods[{i}]")
        for i, plan in enumerate(doc.get("action_plans") or []):
            self.load_plan(plan, f"action_plans[{i}]")
        for i, ret in enumerate(doc.get("returns") or []):
            self.load_return(ret, f"returns[{i}]")
        for i, briefing in enumerate(doc.get("briefings") or []):
            self.load_briefing(briefing, f"briefings[{i}]")
        if doc.get("risk_matrix"):
            self.load_risk_matrix(doc["risk_matrix"])
        for i, risk in enumerate(doc.get("risks") or []):
            self.load_risk(risk, strategy, f"risks[{i}]")


Loader = _Loader  # for a strategy read from elsewhere than a file (reporting.workbooks.onboarding)


def demo_files():
    """The demo's strategy files (fixtures/demo_files.txt), in the order they load."""
    names = [line.strip() for line in DEMO_LIST.read_text(encoding="utf-8").splitlines()]
    return [FIXTURES_DIR / name for name in names if name and not name.startswith("#")]


def read_yaml(path):
    path = Path(path)
    if not path.exists():
        raise FixtureError(f"{path}: no such file")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise FixtureError(f"{path.name}: not valid YAML: {exc}") from exc


def load_fixture_files(paths=None):
    """Load the given strategy files (default: the demo's, demo_files()) in one transaction; returns counts."""
    paths = [Path(p) for p in paths] if paths else demo_files()
    totals = {}
    docs = [(path, read_yaml(path)) for path in paths]
    try:
        with transaction.atomic():
            for path, doc in docs:
                loader = _Loader(path)
                loader.load(doc)
                for key, n in loader.counts.items():
                    totals[key] = totals.get(key, 0) + n
    except IntegrityError as exc:
        raise FixtureError(f"the data breaks a rule of the database: {exc}") from exc
    return totals
