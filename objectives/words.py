"""A word with its grammar: singular and plural, its article, its case at a sentence's start and
mid-sentence, and a count. The council's words (objectives.council.terms()) and a strategy's period
words (objectives.cadence.term: quarter, half-year, month) are each one Term, so a page, an email or
a document asks for "an outcome", "2 action areas" or "Outcome" instead of writing a word into
finished text:

    term.one, term.many          'Action area', 'Action areas'   (as a heading writes them)
    term.one_lower, term.plural  'action area', 'action areas'   (mid-sentence)
    term.a, term.A               'an action area', 'An action area'; a name: 'the Insight Team'
    term.the, term.The           'the action area', 'The action area'
    term.all                     'All action areas'  (a filter's empty choice)
    term.count(2)                '2 action areas'
    say("Choose {objective.a} from the list", objective=term)   str.format with Terms

No Django here: objectives.cadence and objectives.council both use it.
"""
import re
from dataclasses import dataclass

VOWEL_SOUNDS = "aeiou"
# Words that begin with a vowel letter but a consonant sound ("a unit", "a one-off", "a European"),
# and with a consonant letter but a vowel sound ("an hour", "an honour").
CONSONANT_SOUNDING = ("uni", "use", "usu", "uti", "one", "once", "eu", "ewe", "ure", "uro")
VOWEL_SOUNDING = ("hour", "honour", "honest", "heir")


def mid_sentence(words):
    """How a word is written mid-sentence: 'Sub-strand' → 'sub-strand', 'Strategic objectives' →
    'strategic objectives'; a name whose other words are capitalised, or an acronym, is kept as it
    is ('Economy Cell', 'Portfolio Holder', 'Overview & Scrutiny committee', 'KPI')."""
    parts = words.split()
    if not parts or not parts[0][:1].isupper() or any(c.isupper() for c in parts[0][1:]):
        return words  # 'KPI', 'KPIs'
    if any(p[:1].isupper() for p in parts[1:]):
        return words
    return parts[0][:1].lower() + words[1:]


def article(word):
    """'a' or 'an' for a word as it is said: 'an outcome', 'a unit', 'an hour', 'an MP'."""
    low = word.lower()
    if not low:
        return "a"
    if any(c.isupper() for c in word.split()[0][1:]):  # an acronym, said letter by letter: 'an MP'
        return "an" if low[0] in "aefhilmnorsx" else "a"
    if low.startswith(VOWEL_SOUNDING):
        return "an"
    if low.startswith(CONSONANT_SOUNDING):
        return "a"
    return "an" if low[0] in VOWEL_SOUNDS else "a"


def capfirst(text):
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Term:
    """A word, singular and plural, as a heading writes it; the rest follows (see the module)."""

    one: str
    many: str
    is_name: bool = False  # a name ('Economy Cell', 'Insight Team'): 'the Insight Team', never 'an Insight Team'

    @property
    def one_lower(self):
        return mid_sentence(self.one)

    @property
    def many_lower(self):
        return mid_sentence(self.many)

    plural = many_lower

    @property
    def a(self):
        """'a sub-strand', 'an outcome', 'the Economy Cell' for a name."""
        word = self.one_lower
        return f"the {word}" if self.is_name else f"{article(word)} {word}"

    @property
    def A(self):  # noqa: N802 (as a sentence starts: 'An outcome')
        return capfirst(self.a)

    @property
    def the(self):
        return f"the {self.one_lower}"

    @property
    def The(self):  # noqa: N802
        return capfirst(self.the)

    @property
    def all(self):
        """A filter's empty choice: 'All outcomes'."""
        return f"All {self.many_lower}"

    def count(self, n):
        """'1 sub-strand', '3 sub-strands'."""
        return f"{n} {self.one_lower if n == 1 else self.many_lower}"

    def __str__(self):
        return self.one


ASKED = re.compile(r"\{(\w+)(?:\.(\w+))?\}")


def say(text, **words):
    """A fixed text with words asked for by name and form: say("Choose {objective.a} from the
    list", objective=terms().objective) → 'Choose an outcome from the list'. Braces that name no
    word given are left as they are."""
    def put(match):
        key, form = match.groups()
        if key not in words:
            return match.group(0)
        return str(getattr(words[key], form) if form else words[key])

    return ASKED.sub(put, str(text))
