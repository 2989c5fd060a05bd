"""Template tags for what every page shows the same way: a RAG status, a workflow state, a
recommendation's status, a movement, a person's name. One tag each, so that a state has one colour
everywhere and a RAG is always a word as well as a colour.

    {% load ses %}
    {% rag_tag rag %}                    {% rag_tag rag "Not yet given" %}
    {% state_tag state %}                the word and colour of any workflow state
    {% action_status_tag status label %} a recommendation's status
    {% movement_tag movement %}          a kpis.rag.Movement in words
    {% draft_label %}                    "Not yet approved"
    {% text_blocks blocks %}             typed text's paragraphs, lists, headings and links (reporting.documents.text)
    {{ user|person }}                    "Olivia Officer" (or the username)
"""
from django import template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from kpis.rag import RAG, rag_label
from objectives.models import Action, ReportingPeriod
from objectives.roles import person_name
from reporting.models import Briefing, WorkflowState
from reporting.workflow import NOT_STARTED, state_label

register = template.Library()

# One colour per state, everywhere (GOV.UK tag modifiers; the word is always shown).
STATE_COLOURS = {
    NOT_STARTED: "grey",
    WorkflowState.DRAFT: "yellow",
    WorkflowState.SUBMITTED: "blue",
    WorkflowState.RETURNED: "orange",
    WorkflowState.APPROVED: "green",
    WorkflowState.PUBLISHED: "turquoise",
    Briefing.State.ISSUED: "turquoise",
    ReportingPeriod.State.NOT_OPEN: "grey",
    ReportingPeriod.State.OPEN: "blue",
    ReportingPeriod.State.CLOSED: "purple",
}
ACTION_STATUS_COLOURS = {
    Action.Status.COMPLETE: "green",
    Action.Status.ON_TRACK: "blue",
    Action.Status.AT_RISK: "red",
    Action.Status.NOT_STARTED: "yellow",
}
MOVEMENT_ARROWS = {"up": "&#9650;", "down": "&#9660;", "same": "&#9654;"}


@register.simple_tag
def rag_tag(rag, none_label="Not rated"):
    """RAG as a word and a colour, never colour alone."""
    if rag in RAG.values:
        return format_html('<strong class="govuk-tag app-rag app-rag--{}">{}</strong>', rag, rag_label(rag))
    return format_html('<strong class="govuk-tag app-rag app-rag--none">{}</strong>', none_label)


def state_colour(state):
    return STATE_COLOURS.get(state or NOT_STARTED, "grey")


@register.simple_tag
def state_tag(state, label=None):
    """A workflow state (of a return, a plan update, a briefing or a period) as a word in its colour."""
    state = state or NOT_STARTED
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', state_colour(state),
                       label or state_label(state))


@register.simple_tag
def action_status_tag(status, label=None):
    """A recommendation's status as a word in a coloured tag."""
    colour = ACTION_STATUS_COLOURS.get(status, "grey")
    label = label or dict(Action.Status.choices).get(status, "No status given")
    return format_html('<strong class="govuk-tag app-plan-status govuk-tag--{}">{}</strong>', colour, label)


@register.simple_tag
def movement_tag(movement):
    """A movement since the quarter before, in words (the arrow is decoration)."""
    if movement is None or movement.direction is None:
        return ""
    return format_html('<span class="app-movement app-movement--{}"><span aria-hidden="true">{}</span> {}</span>',
                       movement.direction, mark_safe(MOVEMENT_ARROWS[movement.direction]), movement.words)


@register.simple_tag
def draft_label():
    return mark_safe('<strong class="govuk-tag govuk-tag--grey app-draft-label">Not yet approved</strong>')


@register.filter
def person(user):
    """A person's name as pages show it: their full name, or their username if they have none."""
    return person_name(user)


HEADING_CLASSES = {2: "govuk-heading-m", 3: "govuk-heading-m", 4: "govuk-heading-s", 5: "govuk-heading-s", 6: "govuk-heading-s"}


def _link_html(link):
    if link.href:
        return format_html('<p class="govuk-body"><a class="govuk-link" href="{}">{}</a></p>', link.href, link.text)
    missing = format_html(" <span class=\"app-muted\">({})</span>", link.missing) if link.missing else ""
    return format_html('<p class="govuk-body">{}{}</p>', link.text, missing)


@register.simple_tag
def text_blocks(blocks, empty_text="", heading_level=3):
    """Typed text as the documents write it (reporting.documents.text): paragraphs with their line
    breaks, bullet lists, lists numbered as written, headings ("# ", "## ") and links. One tag, so
    that a page with many such texts renders no template per text."""
    parts = []
    for kind, items in blocks:
        if kind == "ul":
            parts.append(format_html('<ul class="govuk-list govuk-list--bullet">{}</ul>',
                                     format_html_join("", "<li>{}</li>", ((item,) for item in items))))
        elif kind == "ol":
            parts.append(format_html('<ol class="govuk-list app-list--as-written">{}</ol>',
                                     format_html_join("", "<li>{} {}</li>", items)))
        elif kind in ("h1", "h2"):
            level = min(heading_level + (kind == "h2"), 6)
            parts.append(format_html('<h{} class="{}">{}</h{}>', level, HEADING_CLASSES[level], items[0], level))
        elif kind == "link":
            parts.extend(_link_html(link) for link in items)
        else:
            parts.append(format_html('<p class="govuk-body">{}</p>',
                                     mark_safe("<br>".join(conditional_escape(line) for line in items))))
    if not parts and empty_text:
        parts.append(format_html('<p class="govuk-body app-report__empty">{}</p>', empty_text))
    return mark_safe("".join(parts))
