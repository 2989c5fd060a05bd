"""Any council: a made-up second council (tests/councils/anytown.yaml, its own name and words, two
priorities, three themes, five KPIs, a published quarter and an open one) loaded from its strategy
file into an empty database, and every page, email, document and export walked as each role: its
name and words appear, the first customer's never do.

Also: no "Sefton" in the code or the templates (fixtures, documentation, tests and migrations aside)."""
import re
import subprocess
import zipfile
from html import unescape
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from objectives.models import ReportingPeriod, SubStrand
from objectives.roles import GROUP_NAMES, Role
from tests.security.test_url_walk import all_urls

ANYTOWN = Path(__file__).parent / "councils" / "anytown.yaml"
NEVER = re.compile(r"sefton|economy cell|cabinet member|sub-strand", re.IGNORECASE)
ROLES = {"lead": Role.OFFICER, "team": Role.COORDINATOR, "head": Role.APPROVER, "holder": Role.READER,
         "boss": Role.ADMINISTRATOR}
# Each period's pages with a theme and a KPI of its own: the published quarter and the open one.
WALKS = [
    {"period": "2023-24-q1", "period_slug": "2023-24-q1", "sub_strand": "town-centres", "sub_strand_slug": "town-centres",
     "slug": "town-centres", "code": "TC-01", "kpi_code": "TC-01", "year": "2023", "plan": "high-street-plan",
     "plan_slug": "high-street-plan", "update": "2023-06", "update_slug": "2023-06", "action": "1", "number": "1"},
    {"period": "2023-24-q2", "period_slug": "2023-24-q2", "sub_strand": "active-people",
     "sub_strand_slug": "active-people", "slug": "active-people", "code": "AP-02", "kpi_code": "AP-02", "year": "2024",
     "dataset": "statuses", "fmt": "json"},
]
SKIPPED = (".pdf", "/healthz", "/healthz/live", "/healthz/ready", "/favicon.ico")  # PDFs are the Word documents converted
# (walked as .docx); health is no page, the favicon no text


class ReadersText(HTMLParser):
    """A page as its readers get it: its text, and the attributes a screen reader or a browser
    shows (labels, titles, alternative text, a placeholder in an empty box), not its markup's
    classes, ids and addresses."""

    SHOWN = ("aria-label", "title", "alt")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag in ("script", "style"):
            self.skip += 1
        self.parts += [found[name] or "" for name in self.SHOWN if name in found]
        if found.get("placeholder") and not found.get("value"):
            self.parts.append(found["placeholder"])

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def text_of(response):
    """What a reader gets from a response: a page's text (ReadersText), a file's words (a Word
    document's or a workbook's parts, their properties included), a data file's values (its
    addresses aside: /sub-strands/… is an address, not a word)."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if body[:2] == b"PK":  # .docx, .xlsx: every XML part
        with zipfile.ZipFile(BytesIO(body)) as parts:
            xml = " ".join(parts.read(n).decode("utf-8") for n in parts.namelist() if n.endswith(".xml"))
        return unescape(re.sub(r"<[^>]+>", " ", xml))
    if "image" in kind:
        return ""
    if "html" in kind:
        reader = ReadersText()
        reader.feed(body.decode("utf-8"))
        return " ".join(reader.parts)
    return re.sub(r"/sub-strands/", "/…/", body.decode("utf-8"))


@pytest.fixture
def anytown(db, settings):
    settings.PUBLIC_PAGES = True
    call_command("load_strategy", str(ANYTOWN), stdout=open("/dev/null", "w"))
    return council_users(ROLES, "anytown.example")


def council_users(roles, domain):
    """One user per role of a test council ({username: role}), the officer `lead` leading every
    sub-strand: {username: user}."""
    users = {}
    for username, role in roles.items():
        user = get_user_model().objects.create_user(username, f"{username}@{domain}", "x", first_name=username.title(),
                                                    last_name="Tester", is_staff=role == Role.ADMINISTRATOR,
                                                    is_superuser=role == Role.ADMINISTRATOR)
        user.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
        users[username] = user
    for sub in SubStrand.objects.all():
        sub.lead_officer = users["lead"]
        sub.save()
        sub.editors.add(users["lead"])
    return users


def client_of(user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_the_strategy_file_loads_the_council_and_its_words(anytown):
    from objectives.council import council, terms

    assert council().name == "Anytown Borough Council" and council().short_name == "Anytown"
    assert (terms().sub_strand.one, terms().sub_strand.many) == ("Theme", "Themes")
    assert terms().coordinator.one == "Performance Team" and terms().reader.many == "Portfolio Holders"
    assert SubStrand.objects.count() == 3
    assert list(ReportingPeriod.objects.values_list("slug", "state")) == [("2023-24-q1", "published"), ("2023-24-q2", "open")]


def test_every_page_document_and_export_speaks_the_councils_words_as_each_role(anytown):
    seen, walked, wrong = {}, 0, []
    for username, user in anytown.items():
        client = client_of(user)
        urls = {url for overrides in WALKS for url, _ in all_urls(**overrides)}
        for url in sorted(urls):
            if url.endswith(SKIPPED) or url.startswith("/accounts/"):
                continue
            response = client.get(url)
            assert response.status_code < 500, (username, url, response.status_code)
            if response.status_code not in (200, 403):  # a refusal is a page too
                continue
            text = text_of(response)
            walked += 1
            found = NEVER.search(text)
            if found:
                wrong.append(f"{username} {url}: {found.group(0)!r} in …{text[max(0, found.start() - 60):found.end() + 40]}…")
            seen[url] = text
    assert wrong == [], "\n".join(wrong)
    assert walked >= 250, walked
    everything = " ".join(seen.values())
    for words in ("Anytown Borough Council", "Priority", "Theme", "Themes", "Performance Team", "Portfolio Holder"):
        assert words in everything, words
    assert "Anytown Borough Council" in seen["/"], seen["/"][:900]
    assert "Overall status by theme" in seen["/dashboard/"] and "Priority" in seen["/dashboard/"]
    assert "Portfolio Holder" in seen["/periods/2023-24-q1/briefing.docx"]
    assert "Anytown Borough Council" in seen["/periods/2023-24-q1/briefing.xlsx"]
    assert "One unit has a new tenant" in seen["/action-plans/high-street-plan/reports/2023-06/report.docx"]


def test_the_admin_speaks_the_councils_words(anytown):
    client = client_of(anytown["boss"])
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        opts = model._meta
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        first = model.objects.first()
        if first is not None:
            pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk]))
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        found = NEVER.search(text_of(response))
        assert found is None, f"{url}: {found.group(0)!r}"
    index = client.get(reverse("admin:index")).content.decode()
    assert "Anytown Borough Council" in index and "Themes" in index and "Priorities" in index


def test_every_email_speaks_the_councils_words(anytown, settings):
    from reporting import notifications
    from reporting.models import Briefing, QuarterlyReturn

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    team, head, lead = anytown["team"], anytown["head"], anytown["lead"]
    q2 = ReportingPeriod.objects.get(slug="2023-24-q2")
    ret = QuarterlyReturn.objects.create(period=q2, sub_strand=SubStrand.objects.get(slug="homes"), state="submitted",
                                         submitted_at=timezone.now(), return_comment="Add the June figure.")
    notifications.period_opened(q2, by=team)
    notifications.return_submitted(ret, by=lead)
    notifications.return_sent_back(ret, by=head)
    ret.approved_at = timezone.now()
    notifications.return_approved(ret, by=head)
    notifications.briefing_issued(Briefing.objects.get(period__slug="2023-24-q1"), by=head)
    notifications.reminder(ret, key="test-reminder", kind="reminder", today=timezone.localdate(), by=team)
    from reporting.outbox import send_pending

    send_pending()  # the outbox worker's pass
    assert len(mail.outbox) >= 6
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}"
        found = NEVER.search(text)
        assert found is None, f"{message.subject}: {found.group(0)!r} in {text}"
    assert any("Portfolio Holder" in m.body for m in mail.outbox)
    assert any("Performance Team" in m.body for m in mail.outbox)


def test_no_sefton_in_the_code_or_the_templates():
    """The first customer is data (fixtures/), never code: `grep -rni sefton` over the code and the
    templates finds only the project's package name (sefton_ses, the Django settings) and the
    demo's shortcut `load_sefton`, which the issue keeps."""
    base = Path(settings.BASE_DIR)
    out = subprocess.run(
        ["git", "grep", "-n", "-i", "sefton", "--", "*.py", "*.html", "*.js", "*.css", "*.txt", "*.toml", "Makefile",
         ":!fixtures/", ":!tests/", ":!*/migrations/*", ":!*.md", ":!tools/frontend/"],
        cwd=base, capture_output=True, text=True, check=False).stdout
    allowed = re.compile(r"sefton_ses|load_sefton|sefton-ses-tracker", re.IGNORECASE)
    left = [line for line in out.splitlines() if NEVER.search(allowed.sub("", line.split(":", 2)[-1]))]
    assert left == [], "\n".join(left)


def test_the_starter_file_for_a_new_council_loads_as_it_is(db):
    from objectives.council import council, terms

    call_command("load_strategy", str(Path(settings.BASE_DIR) / "fixtures" / "new_council_starter.yaml"),
                 stdout=open("/dev/null", "w"))
    assert council().name == "Anytown Borough Council" and terms().officer.one == "Officer"  # a word left out: today's
    assert SubStrand.objects.get().name == "Town Centres"


def test_a_bad_council_section_is_refused_with_where_and_why_and_nothing_written(db, tmp_path):
    from django.core.management.base import CommandError

    from objectives.models import Council

    bad = tmp_path / "bad.yaml"
    bad.write_text("council:\n  name: Elsewhere Council\n  terms:\n    theme: {one: Theme}\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"bad.yaml: council.terms: unknown word\(s\) theme"):
        call_command("load_strategy", str(bad))
    assert not Council.objects.exists()


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")


def test_the_councils_logo_heads_every_page(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "logo.png").write_bytes(PNG)
    (tmp_path / "council.yaml").write_text("council:\n  name: Logo Town Council\n  logo: logo.png\n", encoding="utf-8")
    call_command("load_strategy", str(tmp_path / "council.yaml"), stdout=open("/dev/null", "w"))
    page = Client().get(reverse("login")).content.decode()
    assert f'src="{reverse("council-logo")}"' in page and "Logo Town Council" in page
    logo = Client().get(reverse("council-logo"))
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"
    assert b"".join(logo.streaming_content) == PNG


def test_a_file_that_is_no_image_is_refused_as_a_logo(db, tmp_path, settings):
    from django.core.management.base import CommandError

    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "logo.png").write_bytes(b"<svg onload=alert(1)>")
    (tmp_path / "council.yaml").write_text("council:\n  name: Logo Town Council\n  logo: logo.png\n", encoding="utf-8")
    with pytest.raises(CommandError, match="The logo must be a PNG or JPEG image"):
        call_command("load_strategy", str(tmp_path / "council.yaml"))
    assert Client().get(reverse("council-logo")).status_code == 404
