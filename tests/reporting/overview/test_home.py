"""The first page: the objectives, their sub-strands and each one's latest status."""
from django.test import Client
from django.urls import reverse

from reporting.models import QuarterlyReturn


def test_anonymous_user_is_sent_to_sign_in(db):
    response = Client().get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_cabinet_member_sees_objectives_sub_strands_and_q1_statuses(client_for):
    response = client_for("cabinet").get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    for name in ["Business Growth &amp; Investment", "Employment and access to work", "Regenerated Places",
                 "Social Inclusion &amp; Access for all", "Housing", "Net Zero/Low Carbon", "Health &amp; Wellbeing"]:
        assert name in html
    assert html.count("app-rag--green\">Green</strong>") == 10
    assert html.count("app-rag--amber\">Amber</strong>") == 1
    assert "Sefton@work is progressing through an important transition point" in html


def test_a_draft_is_never_shown_to_the_cabinet_member(client_for, sefton):
    from objectives.models import ReportingPeriod, SubStrand

    QuarterlyReturn.objects.create(
        sub_strand=SubStrand.objects.get(slug="housing"), period=ReportingPeriod.objects.get(slug="2023-24-q2"),
        overall_rag="red", commentary="DRAFT-ONLY-TEXT",
    )
    html = client_for("cabinet").get(reverse("home")).content.decode()
    assert "DRAFT-ONLY-TEXT" not in html
    assert "app-rag--red" not in html
    officer_html = client_for("officer").get(reverse("home")).content.decode()
    assert "DRAFT-ONLY-TEXT" in officer_html  # their own draft


def test_sign_in_page_works_and_signs_in(demo_users):
    client = Client()
    page = client.get(reverse("login"))
    assert page.status_code == 200 and b"Sign in" in page.content
    response = client.post(reverse("login"), {"username": "cabinet", "password": "cabinet-demo-pass"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_wrong_password_gets_an_error_summary(demo_users):
    response = Client().post(reverse("login"), {"username": "cabinet", "password": "wrong"})
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"Enter a correct username and password" in response.content


def test_healthz_answers_without_login(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_the_overview_reads_one_return_per_sub_strand_whatever_the_history(client_for, sefton):
    """Each sub-strand's latest status the person may see, read as one row each: a council with
    ten years of returns costs no more than one with a quarter's."""
    from django.db.models.signals import post_init

    from objectives.models import ReportingPeriod, SubStrand

    housing = SubStrand.objects.get(slug="housing")
    for slug, rag in (("2023-24-q2", "red"), ("2023-24-q3", "amber")):
        QuarterlyReturn.objects.create(sub_strand=housing, period=ReportingPeriod.objects.get(slug=slug), overall_rag=rag,
                                       state="approved", commentary=f"LATEST-{slug}")
    made = []

    def count(sender, **kwargs):
        made.append(sender)

    post_init.connect(count, sender=QuarterlyReturn)
    try:
        html = client_for("cabinet").get(reverse("home")).content.decode()
    finally:
        post_init.disconnect(count, sender=QuarterlyReturn)
    assert "LATEST-2023-24-q3" in html and "LATEST-2023-24-q2" not in html
    assert len(made) == SubStrand.objects.filter(returns__isnull=False).distinct().count()
