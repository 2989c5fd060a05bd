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
