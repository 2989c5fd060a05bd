"""A council's whole year, through the real pages and forms, every email through a real SMTP server.

2023/24: Q2 is opened and its editors told; the Economy Cell chases; reminders go before and after
the deadline on fixed dates, counted per person and never twice; submitting, sending back and
approving each tell the right people; the briefing is issued with one return late; the late return
is completed, approved, added to the issued briefing and read by the Cabinet Member; the briefing
is re-issued as revision 2, revision 1 kept. Then 2024/25 is set up from the calendar and its
Quarter 1 opened, with the KPIs and their targets carried forward.

The emails go through aiosmtpd listening on loopback, not Django's in-memory outbox: what is
counted is what an SMTP server received, envelope by envelope. A page only queues its emails: the
outbox worker's pass (send_outbox) sends them, as it would a moment later in production."""
import email
import html
import email.policy
import re
import socket
from collections import Counter

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from kpis.models import KPI, Target
from objectives.models import ReportingPeriod, SubStrand
from reporting.models import Briefing, Notification, QuarterlyReturn
from tests.reporting._outbox_support import send_outbox
from tests.reporting._returns_support import date_boxes, form_fields

pytestmark = pytest.mark.django_db(transaction=True)

Q2 = "2023-24-q2"
OFFICER, OFFICER2 = "officer@sefton.example", "officer2@sefton.example"
COORDINATOR, APPROVER = "coordinator@sefton.example", "approver@sefton.example"
CABINET, SCRUTINY = "cabinet@sefton.example", "scrutiny@sefton.example"
SEND_BACK_COMMENT = "Say how the Local Plan requirement compares with completions so far."


class Mailbox:
    """An aiosmtpd handler that keeps every message it is given: (envelope recipients, message)."""

    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def per_person(self):
        return Counter(rcpt for rcpts, _ in self.received for rcpt in rcpts)

    def to(self, address, since=0):
        return [m for rcpts, m in self.received[since:] if address in rcpts]


@pytest.fixture
def smtp(settings):
    """A real SMTP server on a free loopback port; Django's SMTP backend pointed at it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.SITE_URL = "https://ses.example.gov.uk"
    yield mailbox
    controller.stop()


def body(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def text(response):
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def post_form(client, url, changes=None, *, css_class=None, follow=True, **extra):
    """GET a page, fill in its form as a browser would, POST it."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    data = form_fields(page.content, css_class)
    data.update(changes or {})
    data.update(extra)
    return client.post(url, {k: v for k, v in data.items() if v is not None}, follow=follow)


def complete_return(client, period_slug, sub_slug, *, submit=True, commentary="On track this quarter."):
    """Fill in a return on its page: Green, a commentary, each milestone on track and each other
    figure "not yet available"; then submit it."""
    sub = SubStrand.objects.get(slug=sub_slug)
    changes = {"overall_rag": "green", "commentary": commentary}
    for kpi in KPI.objects.filter(sub_strand=sub, is_active=True):
        if kpi.is_milestone:
            changes[f"kpi-{kpi.id}-milestone_status"] = "on_track"
        else:
            changes[f"kpi-{kpi.id}-not_available"] = "on"
    response = post_form(client, reverse("return", args=[period_slug, sub_slug]), changes, css_class="app-return-form",
                         intent="submit" if submit else "save")
    assert "There is a problem" not in text(response), text(response)[:3000]
    return response


def reminders_on(day):
    call_command("send_reminders", "--today", day, "--days", "14,7,1", "--every", "3")


def test_a_whole_year_with_no_dead_ends(smtp, client_for, demo_users):
    officer, officer2 = client_for("officer"), client_for("officer2")
    coordinator, approver, cabinet = client_for("coordinator"), client_for("approver"), client_for("cabinet")
    expected = Counter()

    # -- Q2 opened from the calendar, and its editors told (one email each, listing theirs) --------
    calendar = coordinator.get(reverse("period-calendar")).content.decode()
    assert "No one to remind" in calendar  # 7 of the 11 sub-strands have no lead or editor
    coordinator.post(reverse("period-close", args=[Q2]))
    response = post_form(coordinator, reverse("period-open", args=[Q2]), {"dashboard_deadline": "1/9/2023"})
    assert "2023/24 Q2 is open for returns" in text(response)
    expected.update({OFFICER: 1, OFFICER2: 1})
    assert smtp.per_person() == {}, "the page queued its emails; the worker sends them"
    send_outbox()
    assert smtp.per_person() == expected
    opened = smtp.to(OFFICER)[0]
    assert opened["Subject"] == "2023/24 Q2 returns are open: due by 1 September 2023"
    assert "https://ses.example.gov.uk/periods/2023-24-q2/returns/housing/" in body(opened)
    assert "https://ses.example.gov.uk/periods/2023-24-q2/returns/planning/" in body(opened)

    # -- a chase from My returns: the lead and editors, the Economy Cell copied --------------------
    response = coordinator.post(reverse("return-remind", args=[Q2, "housing"]), follow=True)
    assert "Reminders sent about Housing" in text(response)
    expected.update({OFFICER: 1, COORDINATOR: 1})
    again = coordinator.post(reverse("return-remind", args=[Q2, "housing"]), follow=True)  # a second click
    assert "Already reminded today" in text(again)
    send_outbox()
    assert smtp.per_person() == expected

    # -- reminders before the deadline, at fixed dates: 14 and 7 days before, never twice ----------
    reminders_on("2023-08-18")
    expected.update({OFFICER: 2, OFFICER2: 2})  # housing and planning; health & wellbeing and digital
    reminders_on("2023-08-18")
    reminders_on("2023-08-20")  # still the 14-day reminder's window: nothing new
    assert smtp.per_person() == expected

    # -- submitted: the approver is told, each time ---------------------------------------------------
    complete_return(officer, Q2, "housing", commentary="Completions are ahead of the Local Plan requirement.")
    complete_return(officer, Q2, "planning")
    complete_return(officer2, Q2, "health-wellbeing")
    others = [s.slug for s in SubStrand.objects.exclude(slug__in=["housing", "planning", "health-wellbeing", "digital"])]
    for slug in others:  # the Economy Cell fills in the sub-strands with no officer named
        complete_return(coordinator, Q2, slug)
    expected.update({APPROVER: 3 + len(others)})
    send_outbox()
    submitted = smtp.to(APPROVER)[0]
    assert submitted["Subject"] == "Housing return for 2023/24 Q2 is waiting for approval"
    assert "Olivia Officer submitted the Housing return" in body(submitted)
    assert "https://ses.example.gov.uk/periods/2023-24-q2/returns/housing/" in body(submitted)

    reminders_on("2023-08-25")  # 7 days before: only Digital is still outstanding
    expected.update({OFFICER2: 1})
    assert smtp.per_person() == expected

    # -- sent back: the sub-strand's editors, with the comment; "last saved" stays the officer's ----
    mark = len(smtp.received)
    response = post_form(approver, reverse("return-send-back", args=[Q2, "housing"]), {"comment": SEND_BACK_COMMENT})
    assert "returned to the officer for changes" in text(response)
    expected.update({OFFICER: 1})
    send_outbox()
    [sent_back] = smtp.to(OFFICER, since=mark)
    assert sent_back["Subject"] == "Housing return for 2023/24 Q2 has been returned for changes"
    assert SEND_BACK_COMMENT in body(sent_back)
    page = text(officer.get(reverse("return", args=[Q2, "housing"])))
    assert "by Alex Approver" not in page.split("Last saved", 1)[1][:80]

    # -- after the deadline: the day after, then every three days, the Economy Cell copied -----------
    reminders_on("2023-09-02")  # Housing (returned) and Digital (not started) are overdue
    expected.update({OFFICER: 1, OFFICER2: 1, COORDINATOR: 2})
    reminders_on("2023-09-03")
    reminders_on("2023-09-04")
    assert smtp.per_person() == expected
    reminders_on("2023-09-05")
    expected.update({OFFICER: 1, OFFICER2: 1, COORDINATOR: 2})
    assert smtp.per_person() == expected

    complete_return(officer, Q2, "housing", commentary="Completions are ahead of the Local Plan requirement: 212 so far.")
    expected.update({APPROVER: 1})

    # -- approved: per row, and the rest selected all at once; their editors told --------------------
    queue = approver.get(reverse("review-queue")).content.decode()
    assert queue.count('formaction="/periods/2023-24-q2/returns/') == 3 + len(others)  # an Approve on each row
    assert 'id="select-all"' in queue
    housing = QuarterlyReturn.objects.get(period__slug=Q2, sub_strand__slug="housing")
    response = approver.post(reverse("return-approve", args=[Q2, "housing"]), {"version": housing.version}, follow=True)
    assert "Housing 2023/24 Q2 approved" in text(response)
    waiting = list(QuarterlyReturn.objects.filter(period__slug=Q2, state="submitted"))
    data = {"returns": [str(r.pk) for r in waiting], **{f"version-{r.pk}": str(r.version) for r in waiting}}
    response = approver.post(reverse("review-approve"), data, follow=True)
    assert f"{len(waiting)} returns approved" in text(response)
    expected.update({OFFICER: 2, OFFICER2: 1})  # housing and planning; health & wellbeing
    send_outbox()
    approved = [m for m in smtp.to(OFFICER) if m["Subject"] == "Planning return for 2023/24 Q2 has been approved"]
    assert len(approved) == 1 and "https://ses.example.gov.uk/periods/2023-24-q2/returns/planning/" in body(approved[0])
    assert smtp.per_person() == expected

    # -- the briefing issued with Digital late; the readers told -------------------------------------
    post_form(coordinator, reverse("briefing-edit", args=[Q2]), {"include_what_changed": "on"}, css_class=None)
    response = post_form(approver, reverse("briefing-issue", args=[Q2]), css_class=None)
    assert "The briefing has been issued" in text(response)
    expected.update({CABINET: 1, SCRUTINY: 1})
    send_outbox()
    [issued] = smtp.to(CABINET)
    assert issued["Subject"] == "The briefing note for 2023/24 Q2 has been issued"
    assert "https://ses.example.gov.uk/periods/2023-24-q2/briefing/" in body(issued)
    briefing_page = text(cabinet.get(reverse("briefing", args=[Q2])))
    assert "Digital: no approved return" in briefing_page

    # -- the late return: still open to its officer, listed on My returns, not stranded ---------------
    mine = text(officer2.get(reverse("my-returns")))
    assert "No reporting period is open for returns at the moment" in mine
    assert "Late returns" in mine and "Digital" in mine.split("Late returns", 1)[1]
    assert cabinet.get(reverse("return", args=[Q2, "digital"])).status_code == 403  # not approved: not the reader's
    complete_return(officer2, Q2, "digital", commentary="The digital strategy's milestones are on track.")
    expected.update({APPROVER: 1})
    digital = QuarterlyReturn.objects.get(period__slug=Q2, sub_strand__slug="digital")
    response = approver.post(reverse("return-approve", args=[Q2, "digital"]), {"version": digital.version}, follow=True)
    assert "Digital 2023/24 Q2 approved" in text(response)
    expected.update({OFFICER2: 1})
    send_outbox()
    late_approved = smtp.to(OFFICER2)[-1]
    assert "has been added to it, marked as updated after issue" in body(late_approved)
    digital.refresh_from_db()
    assert digital.state == "published"

    # -- the Cabinet Member reads it on the issued briefing, marked "updated after issue" -------------
    briefing_page = text(cabinet.get(reverse("briefing", args=[Q2])))
    assert "The digital strategy's milestones are on track." in briefing_page
    approved_at = timezone.localtime(digital.approved_at)
    assert f"Updated after issue on {approved_at.day} {approved_at:%B %Y}" in briefing_page
    assert "Digital: no approved return" not in briefing_page
    assert cabinet.get(reverse("return", args=[Q2, "digital"])).status_code == 200

    # -- re-issued as revision 2, revision 1 kept; the readers told again -----------------------------
    assert "Re-issue the briefing as revision 2" in text(approver.get(reverse("briefing", args=[Q2])))
    response = post_form(approver, reverse("briefing-reissue", args=[Q2]), css_class=None)
    assert "re-issued as revision 2" in text(response)
    expected.update({CABINET: 1, SCRUTINY: 1})
    send_outbox()
    assert smtp.to(CABINET)[-1]["Subject"] == "The briefing note for 2023/24 Q2 has been updated (revision 2)"
    assert f"It now includes: {SubStrand.objects.get(slug='digital').full_name}." in body(smtp.to(CABINET)[-1])
    assert Briefing.objects.get(period__slug=Q2).revision == 2
    revision_1 = text(cabinet.get(reverse("briefing-revision", args=[Q2, 1])))
    assert "This is revision 1" in revision_1 and "The digital strategy's milestones" not in revision_1
    assert smtp.per_person() == expected

    # -- 2024/25 set up in the app: dates copied from 2023/24 to adjust, targets carried forward ------
    calendar = coordinator.get(reverse("period-calendar")).content.decode()
    assert "Set up 2024/25" in calendar and "Previous year" in calendar
    set_up = coordinator.get(reverse("year-set-up", args=[2024])).content.decode()
    assert date_boxes(set_up, "p2-deadline") == ("1", "9", "2024")  # the Q2 deadline, a year on
    response = post_form(coordinator, reverse("year-set-up", args=[2024]), {"p1-deadline": "2/6/2024"},
                         css_class=None)
    assert "2024/25 is set up: 4 quarters" in text(response)
    hou02 = KPI.objects.get(code="HOU-02")
    assert Target.objects.get(kpi=hou02, financial_year=2024, is_primary=True).value == 640
    assert Target.objects.filter(kpi=hou02, financial_year=2024).count() == 2  # the standard method's too
    response = post_form(coordinator, reverse("year-targets", args=[2024]), {f"target-{hou02.id}-value": "650"},
                         css_class=None)
    assert "The targets for 2024/25 have been saved (1 changed)" in text(response)

    # -- and its Quarter 1 opened: the editors told, the KPIs and targets there -----------------------
    response = post_form(coordinator, reverse("period-open", args=["2024-25-q1"]), css_class=None)
    assert "2024/25 Q1 is open for returns" in text(response)
    assert ReportingPeriod.objects.get(slug="2024-25-q1").dashboard_deadline.isoformat() == "2024-06-02"
    expected.update({OFFICER: 1, OFFICER2: 1})
    return_page = text(officer.get(reverse("return", args=["2024-25-q1", "housing"])))
    for kpi in KPI.objects.filter(sub_strand__slug="housing", is_active=True):
        assert kpi.code in return_page
    assert "650" in return_page and "2024/25" in return_page
    calendar = text(coordinator.get(reverse("period-calendar")))
    assert "Financial year 2024/25" in calendar and "2023/24" in calendar  # a way back, always

    # -- every email went through the SMTP server: one per event per person, none twice ---------------
    send_outbox()
    assert smtp.per_person() == expected
    assert Notification.objects.filter(sent_at__isnull=True).count() == 0
    assert Notification.objects.count() == sum(expected.values())
    events = Counter((rcpt, m["X-SES-Event"]) for rcpts, m in smtp.received for rcpt in rcpts)
    assert None not in {event for _, event in events} and max(events.values()) == 1, "someone was sent the same email twice"
    assert all(len(rcpts) == 1 for rcpts, _ in smtp.received)  # one person to an email
    assert not any("Sefton" in body(m) for _, m in smtp.received)
