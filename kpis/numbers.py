"""Numbers as people type them (en-GB), and the range of a figure that the database holds exactly.

**The range.** Every figure column (a measurement's value, a target, an output figure) is
`figure_field(places)`: a DecimalField of FIGURE_DIGITS significant digits. SQLite keeps a decimal
as a REAL (a double), which holds any number of up to 15 significant digits exactly, and Django
reads it back to 15 digits; PostgreSQL's numeric(15, places) holds the same and refuses more. So a
figure of 3 decimal places is at most 999,999,999,999.999 (`figure_limit(3)`), and one of 2 at most
9,999,999,999,999.99: the forms (the return form, and through it the workbook import; the plan
forms; the admin's) refuse anything larger with a clear message, and a value they accept is read
back exactly as it was typed, on both databases.

**Typing.** `parse_number` reads "1,234", "12.5", " 640 ", "£35,000" (where money is meant) and
"23.5%" (where a percentage is meant), and refuses, each with its own reason (NumberError.code):
"1,2,3" (commas not between thousands), "5%" where no percentage is meant, "１２" and "²" (digits
other than 0 to 9), "1e5", "NaN", "Infinity" and words.

**Whole numbers from a request** (ids, years, page numbers): `whole_number` gives an int within the
bounds asked for, or None, whatever was sent ("²", "-1", "9223372036854775808", "1.0").
"""
import re
from decimal import Decimal, InvalidOperation

from django.db import models

FIGURE_DIGITS = 15
# The largest key a database id (BigAutoField) can hold, on SQLite and PostgreSQL.
MAX_ID = 2**63 - 1


def figure_limit(places):
    """The largest figure of `places` decimal places the database holds exactly."""
    return Decimal(10) ** (FIGURE_DIGITS - places) - Decimal(10) ** -places


def figure_field(places=3, **kwargs):
    """A model field for a figure: FIGURE_DIGITS significant digits, `places` of them decimals."""
    return models.DecimalField(max_digits=FIGURE_DIGITS, decimal_places=places, **kwargs)


class NumberError(ValueError):
    """Why a typed number is refused: `code` is one of invalid, digits, grouping, percent, pounds,
    too_large, decimals, negative; `message` says it in words (without the field's name)."""

    MESSAGES = {
        "invalid": "enter a number, like 640 or 12.5",
        "digits": "type the number with the digits 0 to 9",
        "grouping": "put commas only between thousands, like 1,234,567, or leave them out",
        "percent": "a % sign goes only with a percentage: enter the number on its own",
        "pounds": "a £ sign goes only with an amount of money: enter the number on its own",
        "negative": "the value cannot be negative",
    }

    def __init__(self, code, message=None):
        self.code = code
        self.message = message or self.MESSAGES.get(code, self.MESSAGES["invalid"])
        super().__init__(self.message)


_PLAIN = re.compile(r"(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)?(?:\.[0-9]+)?", re.ASCII)
_LOOSE_COMMAS = re.compile(r"[0-9][0-9,]*(?:\.[0-9]+)?", re.ASCII)
MINUS_SIGNS = "-\u2212\u2013"  # hyphen-minus, the minus sign, and the en dash that word processors put in


def parse_number(text, *, percent=False, pounds=False):
    """The Decimal that `text` says, or None when it is empty; raises NumberError otherwise.

    `percent`: a trailing "%" is allowed (and dropped); `pounds`: a leading "£" is allowed."""
    if text is None:
        return None
    if isinstance(text, Decimal):
        return text
    s = str(text).strip()
    if not s:
        return None
    if len(s) > 60:
        raise NumberError("invalid")
    if any(ch.isdigit() and ch not in "0123456789" for ch in s) or any(ch.isnumeric() and not ch.isdigit() for ch in s):
        raise NumberError("digits")
    negative = s[0] in MINUS_SIGNS
    if negative:
        s = s[1:].lstrip()
    if s.startswith("£"):
        if not pounds:
            raise NumberError("pounds")
        s = s[1:].lstrip()
    if s.endswith("%"):
        if not percent:
            raise NumberError("percent")
        s = s[:-1].rstrip()
    if not s or not any(ch in "0123456789" for ch in s) or not _PLAIN.fullmatch(s):
        if s and _LOOSE_COMMAS.fullmatch(s):
            raise NumberError("grouping")
        raise NumberError("invalid")
    try:
        value = Decimal(s.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern above lets only plain decimals through
        raise NumberError("invalid") from None
    return -value if negative else value


def check_figure(value, *, places=3, minimum=Decimal(0)):
    """Raise NumberError unless `value` is a figure the database holds exactly (at most `places`
    decimal places, within figure_limit(places)) and not below `minimum` (None: no minimum)."""
    if value is None:
        return
    if not value.is_finite():
        raise NumberError("invalid")
    if minimum is not None and value < minimum:
        raise NumberError("negative")
    if abs(value) > figure_limit(places):
        raise NumberError("too_large", f"the value is too large: the largest this can hold is {figure_limit(places):,f}")
    if decimal_places_of(value) > places:
        raise NumberError("decimals", f"use no more than {places} decimal places")


def decimal_places_of(value):
    """How many decimal places a finite `value` has once trailing zeros are set aside ("1.250": 2).
    A figure with more than its field's places is refused for its precision, whatever its number
    of digits: "123.4567890123456" is not too large, it has too many decimals."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def whole_number(text, *, minimum=0, maximum=MAX_ID):
    """An int from a request parameter, or None unless it is plain digits 0 to 9 within the bounds."""
    if isinstance(text, int) and not isinstance(text, bool):
        value = text
    else:
        s = str(text if text is not None else "").strip()
        if not s or len(s) > 19 or not s.isascii() or not s.isdigit():
            return None
        value = int(s)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        return None
    return value
