"""Hostile typed text: whatever an officer types into a commentary is shown as the words typed, on
the pages that draw typed text (the `typed_text` filter), never as markup, scripts or links of its own."""
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from reporting.models import QuarterlyReturn
from tests.reporting._returns_support import complete_changes, open_and_post

HOSTILE = [
    "<script>alert(1)</script>",
    "- <img src=x onerror=alert(1)>\n- two",
    "# <svg onload=alert(1)>",
    "1. <a href=\"javascript:alert(1)\">x</a>\n2. y",
    "javascript:alert(1)",
    "https://example.org/\"onmouseover=\"alert(1)",
    "https://example.org/<script>alert(1)</script>",
    "\"><iframe src=//evil.example></iframe>",
    "line\r\n</p><script>alert(1)</script><p>",
    "{{ request.user.password }} {% debug %}",
]
ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "h3", "h4", "a"}


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.script_text = [], []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.script_text.append(data)


def markup(html):
    parser = _Markup()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("typed", HOSTILE)
def test_typed_text_is_drawn_as_the_words_typed(typed):
    from reporting.templatetags.ses import typed_text

    for how in (3, "inline"):
        found = markup(str(typed_text(typed, how)))
        for tag, attrs in found.tags:
            assert tag in ALLOWED_TAGS, (typed, tag)
            assert set(attrs) <= {"class", "href"}, (typed, attrs)
            if "href" in attrs:
                assert attrs["href"].startswith("https://") and '"' not in attrs["href"], attrs


def test_a_hostile_commentary_posted_through_the_form_is_only_words_on_every_page(demo_users, client_for):
    commentary = "\n".join(HOSTILE).replace("\r\n", "\n")
    changes = {k: v for k, v in complete_changes().items() if k != "commentary"}
    officer = client_for("officer")
    assert open_and_post(officer, {**changes, "commentary": commentary.replace("\n", "\r\n")},
                         intent="submit").status_code == 302
    ret = QuarterlyReturn.objects.get(period__slug="2023-24-q2", sub_strand__slug="housing")
    assert ret.commentary == commentary.replace("\r\n", "\n")
    pages = [officer.get(reverse("return", args=["2023-24-q2", "housing"])),
             client_for("approver").get(reverse("review-queue"))]
    from reporting.returns import services

    services.approve_return(quarterly_return=ret, by=demo_users["approver"])
    coordinator = client_for("coordinator")
    pages += [coordinator.get(reverse("sub-strand", args=["housing"]), {"period": "2023-24-q2"}),
              coordinator.get(reverse("home")), coordinator.get("/periods/2023-24-q2/briefing/")]
    for response in pages:
        assert response.status_code == 200
        html = response.content.decode()
        assert "alert(1)" in html  # the words are there, as words
        found = markup(html)
        assert not any("alert" in text for text in found.script_text)
        for tag, attrs in found.tags:
            assert tag not in {"img", "svg", "iframe"}, tag
            assert not any(name.startswith("on") for name in attrs), (tag, attrs)
            assert not str(attrs.get("href", "")).startswith("javascript:"), attrs


def test_my_returns_still_missing_items_are_escaped_as_the_template_escaped_them():
    """ses.list_items draws My returns' "Still missing" list in one call instead of a template loop:
    each item escaped as {{ item }} would be, a text already safe left as it is."""
    from django.template import engines
    from django.utils.safestring import mark_safe

    from reporting.templatetags.ses import list_items

    items = ['<script>alert("x")</script> & \'HOU-01\'', mark_safe("<em>kept</em>"), 7]
    loop = engines["django"].from_string("{% for item in items %}<li>{{ item }}</li>{% endfor %}").render({"items": items})
    assert str(list_items(items)) == loop
    assert "<script>" not in str(list_items(items))
