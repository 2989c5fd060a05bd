"""How often a strategy reports, and what that makes of its periods: their dates, names and place
in time. One home for every rule about a period's calendar (ReportingPeriod reads it).

A period is the `number`-th of its financial year (April to March): 2023/24 Q1 is 1 April to
30 June 2023, 2023/24 H2 is 1 October 2023 to 31 March 2024, April 2023 is the first month.
"""
import datetime

from objectives.words import Term

QUARTERLY, HALF_YEARLY, MONTHLY = "quarterly", "half_yearly", "monthly"
CHOICES = [(QUARTERLY, "Quarterly"), (HALF_YEARLY, "Half-yearly"), (MONTHLY, "Monthly")]
MONTHS = {QUARTERLY: 3, HALF_YEARLY: 6, MONTHLY: 1}  # months in one period
WORDS = {QUARTERLY: ("quarter", "quarters"), HALF_YEARLY: ("half-year", "half-years"), MONTHLY: ("month", "months")}


def term(cadence):
    """What one period is called, with its grammar (objectives.words.Term): term(HALF_YEARLY).a is
    'a half-year', .count(2) '2 half-years'; `period` in a text of objectives.council.words."""
    one, many = WORDS[cadence]
    return Term(one.capitalize(), many.capitalize())


# Each cadence as a text that describes periods of any strategy names it (cadence.described).
EXAMPLES = {
    QUARTERLY: {"label": "2023/24 Q1", "slug": "2023-24-q1", "numbers": "a quarter 1 to 4 (1 is April to June)"},
    HALF_YEARLY: {"label": "2023/24 H1", "slug": "2023-24-h1", "numbers": "a half-year 1 or 2 (1 is April to September)"},
    MONTHLY: {"label": "April 2023", "slug": "2023-24-m01", "numbers": "a month 1 to 12 (1 is April)"},
}


def _or(parts):
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} or {parts[-1]}"


def described(used):
    """Words for a text about the periods of strategies of the cadences `used` (all, when none):
    {examples} '2023/24 H1 (a half-year) or April 2023 (a month)', {slugs} '2023-24-h1 or
    2023-24-m01', {numbers}, {kinds} 'half-year or month', {by_period} 'half-year by half-year' (one
    cadence) or 'period by period'. A council with no quarterly strategy never reads of quarters."""
    chosen = [c for c, _ in CHOICES if c in used] or [c for c, _ in CHOICES]
    one = [WORDS[c][0] for c in chosen]
    return {
        "examples": _or([f"{EXAMPLES[c]['label']} (a {WORDS[c][0]})" for c in chosen]),
        "slugs": _or([EXAMPLES[c]["slug"] for c in chosen]),
        "labels": ", ".join(EXAMPLES[c]["label"] for c in chosen),
        "numbers": _or([EXAMPLES[c]["numbers"] for c in chosen]),
        "kinds": _or(one),
        "by_period": f"{one[0]} by {one[0]}" if len(one) == 1 else "period by period",
    }


def per_year(cadence):
    """How many periods a financial year has: 4, 2 or 12."""
    return 12 // MONTHS[cadence]


def numbers(cadence):
    return range(1, per_year(cadence) + 1)


def _first_of(financial_year, months_after_april):
    month = 3 + months_after_april  # 0-based months from January of the financial year's start
    return datetime.date(financial_year + month // 12, month % 12 + 1, 1)


def dates(financial_year, number, cadence=QUARTERLY):
    """First and last day of a period: (2023, 1, quarterly) is 1 April to 30 June 2023."""
    months = MONTHS[cadence]
    start = _first_of(financial_year, (number - 1) * months)
    return start, _first_of(financial_year, number * months) - datetime.timedelta(days=1)


def order_key(financial_year, number, cadence=QUARTERLY):
    """A period's place in time as one number, the months since year 0 to its last month: later
    periods have larger keys, whatever their strategies' cadences (2023/24 Q1 → 24278)."""
    return financial_year * 12 + number * MONTHS[cadence] - 1


def financial_year_label(financial_year):
    return f"{financial_year}/{str(financial_year + 1)[-2:]}"


def code(number, cadence=QUARTERLY):
    """The period's part of an address: q1, h2, m04 (the fourth month, July)."""
    return {QUARTERLY: f"q{number}", HALF_YEARLY: f"h{number}", MONTHLY: f"m{number:02d}"}[cadence]


def label(financial_year, number, cadence=QUARTERLY):
    """'2023/24 Q1', '2023/24 H1', 'April 2023'."""
    if cadence == MONTHLY:
        return f"{dates(financial_year, number, cadence)[0]:%B %Y}"
    return f"{financial_year_label(financial_year)} {'Q' if cadence == QUARTERLY else 'H'}{number}"


def long_label(financial_year, number, cadence=QUARTERLY):
    """As a briefing note heads its summary: 'Quarter 1 April–June 2023', 'Half-year 1
    April–September 2023', 'April 2023'."""
    start, end = dates(financial_year, number, cadence)
    if cadence == MONTHLY:
        return f"{start:%B %Y}"
    what = "Quarter" if cadence == QUARTERLY else "Half-year"
    first = f"{start:%B}" if start.year == end.year else f"{start:%B %Y}"
    return f"{what} {number} {first}–{end:%B %Y}"


def refused_number(number, cadence):
    """Why a period number cannot be, or None: a half-yearly strategy's periods are 1 or 2."""
    count = per_year(cadence)
    if isinstance(number, int) and 1 <= number <= count:
        return None
    one, many = WORDS[cadence]
    allowed = ", ".join(str(n) for n in range(1, count)) + f" or {count}"
    return f"A {dict(CHOICES)[cadence].lower()} strategy's {many} are numbered {allowed}."


def before(financial_year, number, cadence=QUARTERLY):
    """(financial year, number) of the period just before: (2023, 1) quarterly → (2022, 4)."""
    return (financial_year, number - 1) if number > 1 else (financial_year - 1, per_year(cadence))
