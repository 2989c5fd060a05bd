"""What a release carries, kept true: every environment variable the code reads is documented in the
README's Configuration table (and no row is left for one it no longer reads); one licence everywhere;
the lock files pin every dependency pyproject.toml names, within its range, with hashes; the version
has its CHANGELOG entry."""
import json
import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
APP_CODE = ("sefton_ses", "objectives", "kpis", "reporting", "sso")
READS = re.compile(
    r"""(?:os\.environ\.get|os\.getenv|os\.environ\.pop|env_bool|env_int|env)\(\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|os\.environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]""")
# Read, but not ours to document: the operating system's PATH (where LibreOffice is found).
SYSTEM = {"PATH"}
# Documented, and read by a library rather than by our code: DATABASE_URL (dj-database-url).
READ_BY_LIBRARIES = {"DATABASE_URL"}


def variables_read():
    found = {}
    for app in APP_CODE:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for match in READS.finditer(path.read_text()):
                found.setdefault(match.group(1) or match.group(2), str(path.relative_to(ROOT)))
    return found


def variables_documented():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]*)`", line.split(" | ")[0]))
    return names


def test_the_readme_documents_every_environment_variable_the_code_reads():
    read, documented = variables_read(), variables_documented()
    missing = {name: where for name, where in read.items() if name not in documented | SYSTEM}
    assert missing == {}, "add a row to the README's Configuration table for each"
    assert {"SECRET_KEY", "DJANGO_ENV", "EMAIL_FILE_PATH", "LOG_LEVEL"} <= set(read)  # the reading is found


def test_the_readme_documents_no_variable_the_code_no_longer_reads():
    assert variables_documented() - set(variables_read()) - READ_BY_LIBRARIES == set()


def test_one_licence_everywhere():
    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    frontend = ROOT / "tools" / "frontend"
    assert json.loads((frontend / "package.json").read_text())["license"] == "MIT"
    assert json.loads((frontend / "package-lock.json").read_text())["packages"][""]["license"] == "MIT"


def pins(lock):
    """{name: version} of a pip-compile lock, each pin followed by its hashes."""
    text = (ROOT / "requirements" / lock).read_text()
    found = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+) \\\n\s+--hash=sha256:[0-9a-f]{64}", text, re.MULTILINE))
    assert len(found) == len(re.findall(r"^[A-Za-z0-9_.-]+==", text, re.MULTILINE)), f"a pin in {lock} has no hash"
    return {canonicalize_name(name): version for name, version in found.items()}


def test_the_locks_pin_every_dependency_within_its_range():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for lock, wanted in [("production.txt", project["dependencies"]),
                         ("test.txt", project["dependencies"] + project["optional-dependencies"]["test"])]:
        pinned = pins(lock)
        for line in wanted:
            requirement = Requirement(line)
            name = canonicalize_name(requirement.name)
            assert name in pinned, f"{name} is not in requirements/{lock}: run make lock"
            assert requirement.specifier.contains(pinned[name], prereleases=True), (lock, line, pinned[name])
    production, test = pins("production.txt"), pins("test.txt")
    assert {name: v for name, v in test.items() if name in production} == production  # the same versions in both


def test_the_version_has_its_changelog_entry():
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert re.search(rf"^## \[{re.escape(version)}\] - \d{{4}}-\d\d-\d\d$", changelog, re.MULTILINE)
    assert "semantic versioning" in changelog.lower()


def test_openpyxl_reads_workbooks_through_defusedxml():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML


def test_the_file_email_backend_writes_to_email_file_path_from_the_environment(tmp_path):
    """EMAIL_FILE_PATH is read from the environment: the file backend sends there (it failed with a
    TypeError when the setting was missing)."""
    import os
    import subprocess
    import sys

    script = ("import django; django.setup(); from django.core.mail import send_mail; "
              "send_mail('Subject', 'Body', 'from@council.example', ['to@council.example'])")
    env = {**os.environ, "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
           "EMAIL_FILE_PATH": str(tmp_path / "emails"), "DJANGO_SETTINGS_MODULE": "sefton_ses.settings"}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    (sent,) = (tmp_path / "emails").iterdir()
    assert "Subject: Subject" in sent.read_text()
