"""The briefing workbook's "Risk register" sheet: each risk the person may see (reporting.access
RISKS, through reporting.risks.selectors), with its latest review as at the period that they may
see (a reader: approved and published ones only), its scores in words and its band as a word on
the band's colour (never colour alone). Written by the same cell helpers as every other sheet
(reporting.workbooks.cells). A fixed number of queries whatever the number of risks."""
from openpyxl.utils import get_column_letter

from objectives.roles import person_name
from reporting.risks.report import matrix_with_levels, score_of
from reporting.risks.scoring import outside_appetite
from reporting.risks.selectors import latest_reviews, visible_risks
from reporting.workbooks.cells import (
    DATE_ALIGN,
    DATE_FORMAT,
    DATE_WIDTH,
    FIRST_DATA_ROW,
    NOTE_FONT,
    TOP,
    WRAP,
    finish_sheet,
    put,
    put_band,
    put_id,
    start_sheet,
)

RISK_COLUMNS = [
    ("Ref.", 7),
    ("Risk", 28),
    ("If … then …", 40),
    ("Owner", 16),
    ("Category", 14),
    ("Inherent score", 24),
    ("Current score", 24),
    ("Band", 11),
    ("Appetite", 18),
    ("Direction of travel", 14),
    ("Target score", 24),
    ("Reviewed in", 12),
    ("Review status", 12),
    ("Commentary", 50),
    ("Next review date", DATE_WIDTH),
    ("Exempt (not for publication)", 12),
    ("Risk id", 8),
]


def write_risks(wb, data, used):
    """The "Risk register" sheet of the period's strategy, as `data.user` may see it."""
    period, user = data.period, data.user
    ws = start_sheet(
        wb, "Risk register", used,
        heading=f"Risk register – {period.label}",
        note="Each risk you may see, with its latest review as at this period that you may see, its scores on the "
             "council's matrix in words and its band.",
        columns=RISK_COLUMNS, freeze="C4",
    )
    matrix = matrix_with_levels()
    risks = list(visible_risks(user, period.strategy).select_related("owner", "category"))
    reviews = latest_reviews(risks, user, period=period)
    row = FIRST_DATA_ROW
    for risk in risks:
        risk.matrix = matrix
        review = reviews.get(risk.id)
        current = score_of(matrix, review.current_likelihood, review.current_impact) if review else None
        inherent = score_of(matrix, risk.inherent_likelihood, risk.inherent_impact)
        target = score_of(matrix, risk.target_likelihood, risk.target_impact)
        put(ws, row, 1, risk.reference, alignment=TOP)
        put(ws, row, 2, risk.title, alignment=WRAP)
        put(ws, row, 3, risk.if_then, alignment=WRAP)
        put(ws, row, 4, risk.owner_title or person_name(risk.owner), alignment=WRAP)
        put(ws, row, 5, risk.category.name if risk.category_id else "", alignment=WRAP)
        put(ws, row, 6, inherent.words if inherent else "", alignment=WRAP)
        put(ws, row, 7, current.words if current else "Not yet reviewed", alignment=WRAP)
        if current is not None:
            put_band(ws, row, 8, current.band)
            outside = outside_appetite(risk, current.score)
            put(ws, row, 9, "Outside appetite" if outside else matrix.appetite_words, alignment=WRAP)
        put(ws, row, 10, review.get_direction_display() if review and review.direction else "", alignment=WRAP)
        put(ws, row, 11, target.words if target else "", alignment=WRAP)
        put(ws, row, 12, review.period.label if review else "", alignment=TOP)
        put(ws, row, 13, review.get_state_display() if review else "", alignment=TOP)
        put(ws, row, 14, review.commentary if review else "", alignment=WRAP)
        put(ws, row, 15, risk.next_review_date, number_format=DATE_FORMAT if risk.next_review_date else None,
            alignment=DATE_ALIGN)
        put(ws, row, 16, "Yes" if risk.exempt else "No", alignment=TOP)
        put_id(ws, row, 17, risk.id)
        row += 1
    if not risks:
        put(ws, row, 1, "No risks recorded.", font=NOTE_FONT)
        row += 1
    ws.column_dimensions[get_column_letter(len(RISK_COLUMNS))].hidden = True
    finish_sheet(ws, RISK_COLUMNS, row - 1)
    return ws
