"""Reads for the overview page."""
import re

from django.db.models import OuterRef, Subquery

from objectives.selectors import objectives_with_sub_strands
from objectives.text import with_line_feeds
from reporting.access import OBJECTIVES, visible_returns

OPENING_LENGTH = 280  # about three lines on a phone, two on a laptop


def opening(text, limit=OPENING_LENGTH):
    """(the first lines of a commentary, the rest): its first paragraph, cut at the last sentence
    that ends within `limit` characters when the paragraph is longer (or at a word, if no sentence
    ends there). The rest is '' when the opening is all of it."""
    text = with_line_feeds(text).strip()
    first, _, after = text.partition("\n\n") if "\n\n" in text else (text, "", "")
    first = first.strip()
    if len(first) <= limit:
        return first, after.strip()
    ends = [m.end() for m in re.finditer(r"[.!?](?=\s)", first[:limit + 1])]
    cut = ends[-1] if ends else (first.rfind(" ", 0, limit) if first.rfind(" ", 0, limit) > 0 else limit)
    head = first[:cut].rstrip()
    tail = (first[cut:].strip() + ("\n\n" + after.strip() if after.strip() else "")).strip()
    return head + ("" if ends else " …"), tail


def overview(user, strategy=None):
    """The (strategy's) objectives, their sub-strands, and each sub-strand's latest status this user may see.

    Three queries whatever the size: objectives, sub-strands, and each sub-strand's latest return
    (the one of its latest period among those the user may see: a row each, whatever the history).
    """
    visible = visible_returns(user)
    newest = visible.filter(sub_strand_id=OuterRef("sub_strand_id")).order_by("-period_key").values("period_key")[:1]
    objectives = list(OBJECTIVES.filter(user, objectives_with_sub_strands(strategy)))  # a reader's strategies only
    sub_ids = [s.id for o in objectives for s in o.sub_strands.all()]
    latest = {ret.sub_strand_id: ret for ret in visible.filter(sub_strand_id__in=sub_ids, period_key=Subquery(newest))
              .select_related("period")}
    for objective in objectives:
        for sub in objective.sub_strands.all():
            sub.latest_return = latest.get(sub.id)
            sub.opening, sub.rest = opening(sub.latest_return.commentary if sub.latest_return else "")
    return objectives
