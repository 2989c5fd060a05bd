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


APPS = ("objectives", "kpis", "reporting", "sefton_ses", "sso")


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def app_modules():
    """{dotted name: path} of the application's modules (migrations aside)."""
    return {module_name(p): p for app in APPS for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts}


def imports_of(path, modules):
    """[(the module imported, the names taken from it)] for every import in the file, nested ones too:
    an import inside a function is still a dependency, only a later one."""
    def known(name):
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                target = known(f"{node.module}.{alias.name}") if f"{node.module}.{alias.name}" in modules else known(node.module)
                if target:
                    yield target, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if known(alias.name):
                    yield known(alias.name), None


def cycles(edges):
    """The strongly connected groups of more than one node (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in list(edges):
        if v not in index:
            visit(v)
    return found


def module_edges():
    modules = app_modules()
    return modules, {name: {t for t, _ in imports_of(path, modules) if t != name} for name, path in modules.items()}


def test_no_module_imports_another_modules_private_names():
    """A leading underscore says "only this module uses it": a second module importing it couples the two
    without saying so. Make it public, with a docstring, or move it where both belong."""
    modules = app_modules()
    offences = [f"{name} imports {target}.{taken}" for name, path in modules.items()
                for target, taken in imports_of(path, modules)
                if taken and taken.startswith("_") and not taken.startswith("__") and target != name]
    assert offences == []


def test_no_import_cycle_between_modules():
    assert cycles(module_edges()[1]) == []


def test_no_import_cycle_between_packages():
    """reporting's domain packages (returns, briefings, documents, workbooks...) depend one way too."""
    modules, edges = module_edges()

    def package(name):
        return name if modules[name].name == "__init__.py" else name.rpartition(".")[0]

    packages = {}
    for name, targets in edges.items():
        for target in targets:
            a, b = package(name), package(target)
            if a != b and not a.startswith(b + ".") and not b.startswith(a + "."):
                packages.setdefault(a, set()).add(b)
    assert cycles(packages) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_dead_code_of_issue_12_stays_gone():
    names = {"get_kpi", "get_action", "published_returns", "is_visible_to_readers", "kpis_of_sub_strand", "measurements_for"}
    defined = {node.name for path in code_files() for node in ast.walk(ast.parse(path.read_text()))
               if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    assert names & defined == set()
    for app in ("objectives", "kpis"):
        assert not (ROOT / app / "urls.py").exists()
        assert not (ROOT / app / "management").exists()
    assert not (ROOT / "reporting" / "page_cache.py").exists()
