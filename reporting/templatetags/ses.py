"""Template tags for what every page shows the same way: a RAG status, a workflow state, a
recommendation's status, a movement, a person's name. One tag each, so that a state has one colour
everywhere and a RAG is always a word as well as a colour.

    {% load ses %}
    {% rag_tag rag %}                    {% rag_tag rag "Not yet given" %}
    {% figure_rag measurement %}         a KPI figure's RAG; an officer's override says so, with its reason
    {% state_tag state %}                the word and colour of any workflow state
    {% action_status_tag status label %} a recommendation's status
    {% movement_tag movement %}          a kpis.rag.Movement in words
    {% draft_label %}                    "Not yet approved"
    {{ text|typed_text }}                typed text (a commentary, a narrative, a comment) as paragraphs, lists,
                                         headings and links, as the Word documents read it (reporting.documents.text)
    {{ text|typed_text:4 }}              the same, its headings <h4>
    {{ text|typed_text:"inline" }}       one paragraph's lines, inside a <p> of the page's own
    {% text_blocks blocks %}             blocks already read (with links made), drawn as typed_text draws them
    {% numbered_text "3.1" text %}       a paragraph the council numbers, read as typed_text reads it
    {{ user|person }}                    "Olivia Officer" (or the username)
    {{ terms.sub_strand|lower_for:n }}   the council's word for n of them, mid-sentence: "sub-strand", "sub-strands"
    {{ terms.sub_strand|for_count:n }}   the same as a heading writes it: "Sub-strand", "Sub-strands"
    {{ terms.sub_strand|count:n }}       the number and the word: "1 action area", "2 action areas"
    {{ terms.objective.a }}, .A, .all    "an outcome", "An outcome", "All outcomes" (objectives.words.Term)
    {{ period.term.one_lower }}          a period's word: "half-year"; {{ strategy.period_term.a }} "a month"
    {{ text|in_words }}                  one of our own fixed texts in the council's words
"""
import html

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from kpis import figures
from kpis.rag import RAG, rag_label
from objectives.models import Action, ReportingPeriod
from objectives.roles import person_name
from objectives.text import with_line_feeds
from reporting.documents import text as typed
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


RAG_TAGS = {rag: mark_safe(f'<strong class="govuk-tag app-rag app-rag--{rag}">{rag_label(rag)}</strong>') for rag in RAG.values}
DRAFT_LABEL = mark_safe('<strong class="govuk-tag govuk-tag--grey app-draft-label">Not yet approved</strong>')
SYNTHETIC_LABEL = mark_safe('<span class="govuk-body-s app-synthetic-label">Synthetic</span>')


# Pages about the chosen strategy as a whole: switching strategy there stays on the page; from
# any other (a return, a period's briefing) it goes to the dashboard.
STRATEGY_PAGES = {"home", "dashboard", "period-calendar", "my-returns", "review-queue", "year-set-up", "year-targets",
                  "exports"}


@register.simple_tag(takes_context=True)
def strategy_switch_url(context):
    """Where the strategy switcher's links go (objectives.strategies.chosen_strategy reads ?strategy=)."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name in STRATEGY_PAGES:
        return request.path
    return reverse("dashboard")


@register.simple_tag
def rag_tag(rag, none_label="Not rated"):
    """RAG as a word and a colour, never colour alone."""
    if rag in RAG_TAGS:
        return RAG_TAGS[rag]
    return format_html('<strong class="govuk-tag app-rag app-rag--none">{}</strong>', none_label)


@register.simple_tag
def override_note(override):
    """What an officer's override (a kpis.rag.Override, or None) says beside its RAG: the reason
    (typed by the officer: escaped) and what the rules say."""
    if override is None:
        return ""
    return format_html('<span class="govuk-body-s app-rag-override">{}</span>', override.note)


@register.simple_tag
def figure_rag(measurement, none_label="Not rated", draft=False):
    """A KPI figure's RAG (kpis Measurement.rag) as a word and a colour; `draft` adds "Not yet
    approved"; an officer's override says so, with its reason and what the rules say
    (Measurement.override)."""
    if measurement is None:
        return rag_tag(None, none_label)
    parts = [rag_tag(measurement.rag, none_label)]
    if draft:
        parts.append(DRAFT_LABEL)
    note = override_note(measurement.override)
    if note:
        parts.append(note)
    return mark_safe(" ".join(parts))


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
    """A movement since the period before, in words (the arrow is decoration)."""
    if movement is None or movement.direction is None:
        return ""
    return format_html('<span class="app-movement app-movement--{}"><span aria-hidden="true">{}</span> {}</span>',
                       movement.direction, mark_safe(MOVEMENT_ARROWS[movement.direction]), movement.words)


@register.simple_tag
def draft_label():
    return DRAFT_LABEL


NO_STATUS = {False: mark_safe('<span class="govuk-body-s app-muted">No approved status</span>'),
             True: mark_safe('<span class="govuk-body-s app-muted">No published status</span>')}


@register.simple_tag
def status_cell(cell, public=False):
    """One period of a sub-strand on the dashboard (a reporting.dashboard.selectors.StatusCell): its
    overall status, "not yet approved" and its state for a draft, its movement, "synthetic". On the
    public pages (`public`), a period with nothing published says so."""
    if cell.ret is None:
        return NO_STATUS[bool(public)]
    parts = [rag_tag(cell.rag, "Not yet given")]
    if cell.is_draft:
        parts.append(format_html('<br>{} <span class="govuk-body-s">{}</span>', DRAFT_LABEL, cell.ret.get_state_display()))
    if cell.movement.direction:
        parts.append(mark_safe("<br>") + movement_tag(cell.movement))
    if cell.is_synthetic:
        parts.append(mark_safe("<br>") + SYNTHETIC_LABEL)
    return mark_safe("".join(parts))


@register.filter(name="in_words")
def in_words_filter(text):
    """One of our own fixed texts in the council's words (objectives.council.in_words)."""
    from objectives.council import in_words

    return in_words(str(text))


@register.filter
def lower_for(term, count):
    """The council's word (an objectives.council.Term) for `count` of them, mid-sentence."""
    return term.one_lower if count == 1 else term.many_lower


@register.filter
def for_count(term, count):
    """The council's word for `count` of them, as a heading or a sentence's start writes it."""
    return term.one if count == 1 else term.many


@register.filter(name="count")
def count_of(term, count):
    """The number and the word (an objectives.words.Term): '1 action area', '2 action areas'."""
    return term.count(count)


@register.filter
def person(user):
    """A person's name as pages show it: their full name, or their username if they have none."""
    return person_name(user)


# The pages that have a public twin under /public/ (reporting/public/urls.py): {URL name: public URL name}.
PUBLIC_TWINS = {"dashboard": "public-dashboard", "kpi": "public-kpi", "sub-strand": "public-sub-strand",
                "briefing": "public-briefing"}


@register.filter
def page_url(obj, public=False):
    """The address of a KPI's page, a sub-strand's page, a period's briefing, or a page named by its
    URL name ("dashboard"); on the public pages (`public`), of its public twin.

        {{ row.kpi|page_url:public }}   {{ period|page_url:public }}   {{ "dashboard"|page_url:public }}"""
    from django.urls import reverse

    from kpis.models import KPI
    from objectives.models import SubStrand

    if isinstance(obj, KPI):
        name, args = "kpi", [obj.code]
    elif isinstance(obj, SubStrand):
        name, args = "sub-strand", [obj.slug]
    elif isinstance(obj, ReportingPeriod):
        name, args = "briefing", [obj.slug]
    else:
        name, args = str(obj), []
    return reverse(PUBLIC_TWINS[name] if public else name, args=args)


HEADING_CLASSES = {2: "govuk-heading-m", 3: "govuk-heading-m", 4: "govuk-heading-s", 5: "govuk-heading-s", 6: "govuk-heading-s"}


def _link_html(link):
    if link.href:
        return format_html('<p class="govuk-body"><a class="govuk-link" href="{}">{}</a></p>', link.href, link.text)
    missing = format_html(" <span class=\"app-muted\">({})</span>", link.missing) if link.missing else ""
    return format_html('<p class="govuk-body">{}{}</p>', link.text, missing)


@register.filter
def typed_text(text, how=3):
    """Typed text drawn as the documents read it: the one way every page and email shows it. Every
    character typed is escaped. `how` is the level of its headings, or "inline" for the lines of one
    paragraph (its line breaks kept) inside the page's own <p> or table cell."""
    if how == "inline":
        lines = [line.strip() for line in with_line_feeds(str(text or "")).strip().split("\n")]
        return mark_safe("<br>".join(conditional_escape(line) for line in lines))
    return text_blocks(typed.text_blocks(str(text or "")), heading_level=int(how))


@register.simple_tag
def numbered_text(number, text, heading_level=3):
    """A numbered paragraph of a briefing's section ("3.1"), read as the Word document reads it
    (reporting.documents.text.numbered_paragraph): its number before its first lines, then any
    list or heading it holds."""
    lines, rest = typed.numbered_paragraph(str(text or ""))
    number_html = format_html('<span class="app-para-number">{}</span> ', number) if number else ""
    lead = format_html('<p class="govuk-body">{}{}</p>', number_html,
                       mark_safe("<br>".join(conditional_escape(line) for line in lines))) if lines or number else ""
    return mark_safe(lead + text_blocks(rest, heading_level=heading_level))


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
        elif kind == "table":
            parts.append(format_html(
                '<table class="govuk-table"><thead class="govuk-table__head"><tr class="govuk-table__row">{}</tr></thead>'
                '<tbody class="govuk-table__body">{}</tbody></table>',
                format_html_join("", '<th scope="col" class="govuk-table__header">{}</th>', ((h,) for h in items.headings)),
                format_html_join("", '<tr class="govuk-table__row">{}</tr>', (
                    (format_html_join("", '<td class="govuk-table__cell">{}</td>', ((c,) for c in row)),)
                    for row in items.rows)),
            ))
        else:
            parts.append(format_html('<p class="govuk-body">{}</p>',
                                     mark_safe("<br>".join(conditional_escape(line) for line in items))))
    if not parts and empty_text:
        parts.append(format_html('<p class="govuk-body app-report__empty">{}</p>', empty_text))
    return mark_safe("".join(parts))


@register.simple_tag
def contact_email():
    """Where people write for help (reporting.legal.content.contact_email)."""
    from reporting.legal.content import contact_email as address

    return address()


@register.simple_tag(takes_context=True)
def paused_until(context, username):
    """When a paused sign-in may be tried again (objectives.signin.paused_until), or None."""
    from objectives.signin import paused_until as until

    request = context.get("request")
    return until(request, username) if request is not None else None


@register.filter
def no_target_words(kpi):
    """What a KPI with no target is judged against, by its direction (kpis.figures.no_target_words)."""
    return figures.no_target_words(kpi)


@register.filter
def list_items(items):
    """Each item escaped (conditional_escape, as {{ item }} does) in its <li>, run together: one call for
    a long list (My returns' "Still missing" of every return) instead of a loop in the template."""
    return mark_safe("".join([f"<li>{_escaped(item)}</li>" for item in items]))


def _escaped(item):
    """conditional_escape without its per-call wrappers (a lazy-text check and a SafeString each, for a
    list of thousands): text marked safe as it is; anything else by html.escape, as Django's escape does."""
    if hasattr(item, "__html__"):
        return item.__html__()
    return html.escape(str(item))
