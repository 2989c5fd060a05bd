"""The design card's rules about the code itself."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {"objectives": {"kpis", "reporting"}, "kpis": {"reporting"}, "sefton_ses": {"kpis"}}


def imported_top_levels(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0]


def test_dependencies_point_one_way_reporting_kpis_objectives():
    offences = []
    for app, forbidden in FORBIDDEN.items():
        for path in (ROOT / app).rglob("*.py"):
            bad = set(imported_top_levels(path)) & forbidden
            if bad:
                offences.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert offences == []


def test_settings_package_holds_no_models():
    assert not (ROOT / "sefton_ses" / "models.py").exists()


def code_files():
    """The application's own Python files (tests, benchmarks, migrations and fixtures aside)."""
    for app in ("objectives", "kpis", "reporting", "sefton_ses"):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_no_code_file_is_over_400_lines():
    long = {str(p.relative_to(ROOT)): n for p in code_files() if (n := len(p.read_text().splitlines())) > 400}
    assert long == {}


def test_no_view_is_over_30_lines():
    """A view reads top to bottom: it checks the permission and calls one selector or service."""
    long = {}
    for path in (ROOT / "reporting").rglob("views.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > 30:
                    long[f"{path.relative_to(ROOT)}:{node.name}"] = length
    assert long == {}


def test_the_dead_code_of_issue_12_stays_gone():
    names = {"get_kpi", "get_action", "published_returns", "is_visible_to_readers", "kpis_of_sub_strand", "measurements_for"}
    defined = {node.name for path in code_files() for node in ast.walk(ast.parse(path.read_text()))
               if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    assert names & defined == set()
    for app in ("objectives", "kpis"):
        assert not (ROOT / app / "urls.py").exists()
        assert not (ROOT / app / "management").exists()
    assert not (ROOT / "reporting" / "page_cache.py").exists()
