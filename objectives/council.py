"""The council and its words: the one place every page, email, document, export, the API's
descriptions and the admin ask for them.

    council()  -> the Council (or an unsaved one with no name yet: "The council")
    terms()    -> Terms: terms().sub_strand.one ("Sub-strand"), .many, .one_lower ("sub-strand"),
                  .many_lower, .a ("a sub-strand", "an outcome"), .A, .all, .count(n): each word a
                  Term with its grammar (objectives.words)
    words(text) -> a fixed text that asks for the council's words by name and form:
                  words("Choose {objective.a} from the list") → "Choose an outcome from the list"
    in_words(text) -> older: today's words in a text, article and all, swapped for the council's
                  ("a sub-strand" → "an action area"; workbook headings, read back by from_words;
                  the admin's labels and help texts). A new text asks with words() instead

The words are data (objectives.models.Council); each one left empty is today's word, below.
Templates get `council` and `terms` from a context processor (reporting.context_processors);
Python code calls these. Inside a request (`remembered()`, opened by reporting.middleware) the
council is read once, whatever asks; outside one (commands, tests) each call reads it.
"""
import contextvars
import re
from contextlib import contextmanager

from django.db import DatabaseError

from objectives.models import TERM_KEYS, Council
from objectives.words import Term, mid_sentence, say

__all__ = ["Term", "mid_sentence", "say"]  # the grammar lives in objectives.words; asked for here too

NO_COUNCIL = "The council"
DEFAULT_TERMS = {  # today's words: what a council that gives none of its own sees
    "objective": ("Strategic objective", "Strategic objectives"),
    "sub_strand": ("Sub-strand", "Sub-strands"),
    "officer": ("Officer", "Officers"),
    "coordinator": ("Economy Cell", "Economy Cell"),
    "approver": ("Assistant Director", "Assistant Directors"),
    "reader": ("Cabinet Member", "Cabinet Members"),
    "scrutiny": ("Overview & Scrutiny committee", "Overview & Scrutiny committees"),
}
assert set(DEFAULT_TERMS) == set(TERM_KEYS)
NAMES = {"coordinator"}  # the council's one team: "the Economy Cell", never "an Economy Cell"

_scope = contextvars.ContextVar("council_scope", default=None)


class Terms:
    """The council's words, one Term per key of objectives.models.TERM_KEYS."""

    def __init__(self, council_obj):
        for key in TERM_KEYS:
            one = (getattr(council_obj, f"{key}_one", "") or "").strip()
            many = (getattr(council_obj, f"{key}_many", "") or "").strip()
            default_one, default_many = DEFAULT_TERMS[key]
            if one and not many:
                many = one if one.endswith("s") else f"{one}s"
            setattr(self, key, Term(one or default_one, many or default_many, is_name=key in NAMES))

    def __iter__(self):
        return iter((key, getattr(self, key)) for key in TERM_KEYS)


def _load():
    try:
        found = Council.objects.order_by("pk").first()
    except DatabaseError:  # no tables yet (manage.py check --deploy before migrate): today's words
        found = None
    return found if found is not None else Council(name=NO_COUNCIL)


def council():
    """The deployment's council (unsaved, named "The council", when none has been set up)."""
    return in_scope("council", _load)


def in_scope(key, read):
    """`read()`, once a request (`remembered()`): and where the request shares what is the same for
    everyone until the data changes (`remembered(shared=…)`: reporting.middleware keeps it under the
    data version), from there. Outside a request, read each time."""
    scope = _scope.get()
    if scope is None:
        return read()
    if key not in scope:
        shared = scope.get(SHARED)
        scope[key] = shared(key, read) if shared is not None else read()
    return scope[key]


SHARED = "__shared__"  # the scope's key for what the request shares with others (remembered(shared=…))


def terms():
    """The council's words (see Terms)."""
    scope = _scope.get()
    if scope is not None and "terms" in scope:
        return scope["terms"]
    found = Terms(council())
    if scope is not None:
        scope["terms"] = found
    return found


def council_name():
    """The council's name as pages and papers write it."""
    return council().name or NO_COUNCIL


def short_name():
    """The council's short name ('Anytown'), else its name."""
    found = council()
    return found.short_name or found.name or NO_COUNCIL


@contextmanager
def remembered(shared=None):
    """Read the council once for everything inside (a request, a document, a workbook): see the
    module's docstring. Inside another, the same (a decorator too: @remembered()). `shared(key,
    read)`: where a value the same for everyone is kept between requests (in_scope)."""
    if _scope.get() is not None:
        yield
        return
    token = _scope.set({SHARED: shared} if shared is not None else {})
    try:
        yield
    finally:
        _scope.reset(token)


def forget():
    """After the council is saved: read it afresh (within the request that saved it, too: from the
    database, not from what requests share, which was kept under the version before the save)."""
    scope = _scope.get()
    if scope is not None:
        scope.clear()


def role_name(role):
    """A role as the council names it: 'Officer', 'Economy Cell coordinator', 'Assistant Director',
    'Cabinet Member or Overview & Scrutiny committee member', 'Administrator'."""
    words = terms()
    return {
        "officer": words.officer.one,
        "coordinator": f"{words.coordinator.one} coordinator",
        "approver": words.approver.one,
        "reader": f"{words.reader.one} or {words.scrutiny.one} member",
        "administrator": "Administrator",
    }[getattr(role, "value", role)]


def main_strategy():
    """The strategy the pages are about (the first one loaded), or None before any is."""
    from objectives.models import Strategy

    return in_scope("strategy", lambda: Strategy.objects.order_by("pk").first())


def every_strategy():
    """The strategies, first loaded first (once a request: in_scope)."""
    from objectives.models import Strategy

    return in_scope("strategies", lambda: list(Strategy.objects.order_by("pk")))


def strategy_readers():
    """{(strategy id, reader's user id)} of the strategies that name their readers (once a request)."""
    from objectives.models import Strategy

    return in_scope("strategy readers", lambda: frozenset(Strategy.readers.through.objects.values_list("strategy_id", "user_id")))


def mail_domain(suffix="gov.uk"):
    """The council's short name as an email domain, for examples and the demo: 'anytown.gov.uk'."""
    from django.utils.text import slugify

    return f"{slugify(short_name()).replace('-', '') or 'council'}.{suffix}"


def word(key, form="one"):
    """A council's word, read when it is shown (for labels and columns defined once, at import):
    word("sub_strand") → "Theme", word("sub_strand", "many_lower") → "themes"."""
    from django.utils.functional import lazy

    return lazy(lambda: getattr(getattr(terms(), key), form), str)()


def _swaps():
    """(today's word, the council's) for each word and form the council changes: worked out once
    for each reading of the council's words (once a request)."""
    found = terms()
    if "_swaps" not in found.__dict__:
        found._swaps = _swaps_of(found)
    return found._swaps


def _swaps_of(found):
    swaps = []
    for key, (one, many) in DEFAULT_TERMS.items():
        if key == "officer":  # "lead officer", "officers": the role's own word, not one to swap
            continue
        term, old = getattr(found, key), Term(one, many, is_name=key in NAMES)
        swaps += [(many, term.many), (one, term.one), (mid_sentence(many), term.many_lower),
                  (mid_sentence(one), term.one_lower), (old.a, term.a), (old.A, term.A)]  # "a sub-strand" → "an outcome"
    return [(old, new) for old, new in swaps if old != new]


def words(text, **more):
    """A fixed text with the council's words asked for by key and form (objectives.words.Term):
    words("Choose {objective.a} from the list") → 'Choose an outcome from the list';
    `more` adds other Terms (a period's: period=cadence.term(strategy.cadence))."""
    return say(text, **{**dict(terms()), **more})


def lazy_words(text, **more):
    """words(text), when it is shown (for labels and messages defined once, at import)."""
    from django.utils.functional import lazy

    return lazy(lambda: words(text, **more), str)()


def period_words():
    """The words for texts about the periods of the council's own strategies (objectives.cadence.
    described): words("e.g. {examples}", **period_words()). One query."""
    from objectives import cadence as cadences
    from objectives.models import Strategy

    try:
        used = set(Strategy.objects.values_list("cadence", flat=True))
    except DatabaseError:  # no tables yet (manage.py check --deploy draws the API's document): every cadence
        used = set()
    return cadences.described(used)


def in_words(text):
    """One of our own fixed texts (never a council's data), today's words in it put in the council's:
    'Choose a strategic objective' → 'Choose a priority', 'a sub-strand' → 'an action area'. Longest
    first, each form as written, each where a word starts ("data sub-strand" is not "dat" + "a sub-strand")."""
    for old, new in sorted(_swaps(), key=lambda pair: -len(pair[0])):
        if old in text:
            text = re.sub(r"(?<![A-Za-z])" + re.escape(old), lambda _, new=new: new, text)
    return text


def from_words(text):
    """in_words undone, for a heading read back (a workbook's column 'Theme id' is 'Sub-strand id')."""
    for old, new in sorted(_swaps(), key=lambda pair: -len(pair[1])):
        if new in text:
            text = text.replace(new, old)
    return text


def lazy_in_words(text):
    """in_words(text), when it is shown."""
    from django.utils.functional import lazy

    return lazy(lambda: in_words(text), str)()
