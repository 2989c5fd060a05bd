"""A benchmark file as councils download it: a CSV with an area code, an area name, a period and a
value, one row per council and period (LG Inform's CSV export, or any file with those columns, its
columns named once in the import form). Every row is checked and every problem named by its row:
an unknown code, a period the import cannot read, a council's figure for a period twice, a value
that is not a number. Rows for areas that are not councils (England, a region: LG Inform's exports
carry them as comparisons) are left out and said; an empty or suppressed value ("", "-", "..", "x",
"[c]") is no figure.
"""
import calendar
import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

from kpis.models import BENCHMARK_PLACES
from kpis.numbers import NumberError, check_figure, parse_number
from objectives.local_authorities import by_gss_code
from objectives.models import LocalAuthority
from reporting.workbooks.safety import ImportRefused, Problem

# The four columns, and the headings each is recognised by (lower case, spaces for _ and -).
COLUMNS = {
    "code": ("area code", "areacode", "area gss code", "gss code", "ons code", "code", "la code", "geography code"),
    "name": ("area name", "area", "name", "local authority", "area label", "geography name"),
    "period": ("period", "time period", "period label", "date", "year"),
    "value": ("value", "data value", "figure", "metric value"),
}
COLUMN_WORDS = {"code": "area code", "name": "area name", "period": "period", "value": "value"}
HEADER_ROWS_SEARCHED = 15  # an export may begin with a few lines about the metric
NO_VALUE = {"", "-", "–", "..", ":", "x", "[x]", "[c]", "[z]", "[low]", "n/a", "na", "null", "*", "~"}
# GSS codes of areas that are not councils: countries (E92, W92, S92, N92), the UK and Great Britain
# (K02, K03), England and Wales (K04), English regions (E12) and combined authorities' areas (E47).
NOT_A_COUNCIL = re.compile(r"^(E92|W92|S92|N92|K02|K03|K04|E12|E47)\d{6}$")
MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
PERIOD_HINT = "write it like 2023, 2022/23, Q1 2023/24, 2023 Q1 or March 2023"


@dataclass(frozen=True)
class Period:
    label: str
    end: datetime.date


def _month_end(year, month):
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _financial_year(first, second):
    first = int(first)
    following = int(second)
    if len(second) == 2:
        following = first // 100 * 100 + following if following > first % 100 else (first // 100 + 1) * 100 + following
    if following != first + 1:
        return None
    return first


def parse_period(text):
    """The Period a label names, or None: a calendar year "2023"; a financial year "2022/23" (or
    2022-23, 2022/2023); a financial quarter "Q1 2023/24" or "2023/24 Q1"; a calendar quarter
    "2023 Q1" or "Q1 2023"; a month "March 2023" or "Mar 2023"."""
    s = re.sub(r"\s+", " ", str(text or "").strip().replace("–", "-").replace("—", "-"))
    if not s or len(s) > 40:
        return None
    if m := re.fullmatch(r"(\d{4})", s):
        year = int(m[1])
        return Period(str(year), datetime.date(year, 12, 31)) if 1900 < year < 2200 else None
    if m := re.fullmatch(r"(\d{4}) ?[/-] ?(\d{2}|\d{4})", s):
        first = _financial_year(m[1], m[2])
        return None if first is None else Period(f"{first}/{(first + 1) % 100:02d}", datetime.date(first + 1, 3, 31))
    m = re.fullmatch(r"q([1-4]) (\d{4}) ?[/-] ?(\d{2}|\d{4})", s, re.I) or re.fullmatch(
        r"(?P<y1>\d{4}) ?[/-] ?(?P<y2>\d{2}|\d{4}) q(?P<q>[1-4])", s, re.I)
    if m:
        q, y1, y2 = (m["q"], m["y1"], m["y2"]) if "q" in m.groupdict() else (m[1], m[2], m[3])
        first = _financial_year(y1, y2)
        if first is None:
            return None
        q = int(q)
        year, month = (first, 3 + 3 * q) if q < 4 else (first + 1, 3)
        return Period(f"{first}/{(first + 1) % 100:02d} Q{q}", _month_end(year, month))
    m = re.fullmatch(r"(\d{4}) q([1-4])", s, re.I) or re.fullmatch(r"q(?P<q>[1-4]) (?P<y>\d{4})", s, re.I)
    if m:
        year, q = (int(m["y"]), int(m["q"])) if "q" in m.groupdict() else (int(m[1]), int(m[2]))
        return Period(f"{year} Q{q}", _month_end(year, 3 * q))
    if (m := re.fullmatch(r"([a-z]+) (\d{4})", s, re.I)) and m[1].lower() in MONTHS:
        year, month = int(m[2]), MONTHS[m[1].lower()]
        return Period(f"{calendar.month_name[month]} {year}", _month_end(year, month))
    return None


@dataclass
class Read:
    """A checked file: its figures [(authority, Period, value)], what was left out, and the header."""

    figures: list = field(default_factory=list)
    not_councils: int = 0
    no_value: int = 0
    columns: dict = field(default_factory=dict)


def _key(heading):
    return re.sub(r"[\s_\-]+", " ", str(heading or "").strip().lower())


def _decode(content):
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")  # a CSV saved by Excel on Windows


def _and(names):
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _header(rows, chosen):
    """(index of the header row, {column: index}) or ImportRefused naming what is missing."""
    wanted = {key: ([_key(chosen[key])] if chosen.get(key) else list(COLUMNS[key])) for key in COLUMNS}
    best = None
    for number, row in enumerate(rows[:HEADER_ROWS_SEARCHED]):
        keys = [_key(cell) for cell in row]
        found = {}
        for column, names in wanted.items():
            for name in names:  # the first heading of the list that is there: "area code" before "area"
                if name in keys and keys.index(name) not in found.values():
                    found[column] = keys.index(name)
                    break
        if len(found) == len(COLUMNS):
            return number, found
        if best is None or len(found) > len(best[1]):
            best = (row, found)
    missing = [COLUMN_WORDS[c] for c in COLUMNS if c not in (best[1] if best else {})]
    headings = ", ".join(f"“{str(c)[:40]}”" for c in (best[0] if best else []) if str(c).strip()) or "none"
    raise ImportRefused([Problem(
        f"The file has no column for the {_and(missing)}. Its headings are: {headings}. Name the columns that "
        "hold the area code, area name, period and value in the form below, or save the data from LG Inform as CSV.")])


def read_benchmark_csv(content, *, columns=None):
    """Read and check a benchmark CSV (bytes); raises ImportRefused with every problem, row by row."""
    if not content or not content.strip():
        raise ImportRefused([Problem("The file is empty. Choose the CSV file of the benchmark data.")])
    if content[:4] == b"PK\x03\x04" or content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportRefused([Problem("The file is an Excel workbook, not a CSV file: in Excel, save it as “CSV UTF-8 "
                                     "(Comma delimited) (*.csv)” and upload that.")])
    text = _decode(content)
    if "\x00" in text:
        raise ImportRefused([Problem("The file is not a CSV file (it holds binary data).")])
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise ImportRefused([Problem(f"The file cannot be read as CSV ({exc}).")]) from exc
    start, at = _header(rows, columns or {})
    by_gss, by_code = by_gss_code(), {la.code: la for la in LocalAuthority.objects.all()}
    read, problems, seen = Read(columns={k: rows[start][i] for k, i in at.items()}), [], {}
    for number, row in enumerate(rows[start + 1:], start=start + 2):
        cells = {key: (row[i].strip() if i < len(row) else "") for key, i in at.items()}
        if not any(cells.values()):
            continue
        where = f"Row {number}"
        subject = " ".join(part for part in (cells["code"][:20], cells["name"][:60]) if part)
        code = cells["code"].upper()
        if NOT_A_COUNCIL.match(code):
            read.not_councils += 1
            continue
        authority = by_gss.get(code) or by_code.get(code)
        row_problems = []
        if authority is None:
            row_problems.append(f"the area code “{cells['code'][:20]}” is not the GSS or three-letter code of a UK "
                                "council" if code else "there is no area code")
        period = parse_period(cells["period"])
        if period is None:
            row_problems.append(f"the period “{cells['period'][:40]}” cannot be read: {PERIOD_HINT}" if cells["period"]
                                else "there is no period")
        value = None
        if cells["value"].lower() not in NO_VALUE:
            try:
                value = parse_number(cells["value"], percent=True, pounds=True)
                value = value.quantize(Decimal(1).scaleb(-BENCHMARK_PLACES), rounding=ROUND_HALF_EVEN)
                check_figure(value, places=BENCHMARK_PLACES, minimum=None)
            except NumberError as exc:
                row_problems.append(f"the value “{cells['value'][:30]}” is not a number: {exc.message}")
        if authority is not None and period is not None:
            first = seen.setdefault((authority.pk, period.label), number)
            if first != number:
                row_problems.append(f"{authority.short_name or authority.name}'s figure for {period.label} is there "
                                    f"twice (row {first} too)")
        if row_problems:
            problems += [Problem("; ".join(row_problems), subject=f"{where}, {subject}" if subject else where)]
            continue
        if value is None:
            read.no_value += 1
            continue
        read.figures.append((authority, period, value))
    if problems:
        raise ImportRefused(problems)
    if not read.figures:
        raise ImportRefused([Problem("The file holds no figure for a UK council.")])
    return read
