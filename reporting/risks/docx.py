"""The risk register report as a Word document (python-docx), for the council's committee system.

Built from the same `Report` as the page (reporting.risks.report.risk_report_contents) on the
document base every paper uses (reporting.documents: A4, Arial, the council's template, header and
footer), laid out as the committee paper of an action plan is (reporting.plans.docx): the title,
Report to and Date of meeting, the cover fields, the contact officer's lines, then the body. The
heat map is a table, each cell its count and band in words on the band's colour; the register a
table whose header repeats on each page; each risk's detail under its own heading."""
from django.utils import timezone

from reporting.documents.word import Paper, fmt_date
from reporting.risks.report import REGISTER_HEADINGS, REGISTER_WIDTHS

AT_A_GLANCE = "1. The register at a glance"
HEAT_MAP = "2. The heat map"
REGISTER = "3. The risk register"
DETAIL = "4. Each risk in detail"
ACTION_HEADINGS = ["Action", "Owner", "Due", "Status"]
ACTION_WIDTHS = [40, 16, 12, 12]


def heat_map_rows(report):
    """The heat map as the table's rows: the impact level, then each cell (its band's colour, its words)."""
    return [[f"{impact.name} ({impact.value})",
             *[(cell.band.colour if cell.band else None, cell.text) for cell in cells]]
            for impact, cells in report.heat_map.rows]


def build_risk_report_docx(report, *, now=None):
    """The report as .docx bytes."""
    paper = Paper(title=report.title, subject=report.strategy.name,
                  keywords=f"{report.strategy.name}; risk register report; {report.period.slug}",
                  created=now or timezone.now())
    paper.title(report.title)
    if report.not_for_publication:
        paper.paragraph(report.not_for_publication, bold=True)
    cover = report.cover
    if cover.committee:
        paper.paragraph(f"Report to: {cover.committee}")
    if cover.meeting_date:
        paper.paragraph(f"Date of meeting: {fmt_date(cover.meeting_date)}")
    paper.paragraph(f"Period: {report.period.label} ({report.period.long_label})")
    # A cover section not written yet is left out of the paper, never printed as an empty heading.
    for heading, blocks in (("Summary", report.summary_blocks), ("Recommendation(s)", report.recommendations_blocks)):
        if blocks:
            paper.heading(heading, 1)
            paper.blocks(blocks, heading_level=2)
    for label, value in report.contact:
        if value:
            line = paper.paragraph()
            line.add_run(f"{label}: ")
            if label == "Email Address":
                paper.link(line, value, f"mailto:{value}")
            else:
                line.add_run(value)

    paper.heading(AT_A_GLANCE, 1)
    for sentence in report.at_a_glance:
        paper.paragraph(sentence)

    paper.heading(HEAT_MAP, 1)
    paper.paragraph(f"How many risks sit in each cell of the matrix by their current score, {report.period.label}: "
                    "each cell gives its count and its band in words.")
    paper.table(report.heat_map.headings, heat_map_rows(report),
                widths=[16, *[10] * len(report.heat_map.likelihood_levels)],
                caption=f"Heat map: risks by current likelihood and impact, {report.period.label}")

    paper.heading(REGISTER, 1)
    if report.rows:
        paper.table(REGISTER_HEADINGS, [row.cells for row in report.rows], widths=REGISTER_WIDTHS,
                    caption=f"The risk register, {report.period.label}")
    else:
        paper.paragraph(report.at_a_glance[0])

    paper.heading(DETAIL, 1)
    for row in report.rows:
        risk = row.risk
        paper.heading(f"{risk.reference} {risk.title}{' (exempt)' if risk.exempt else ''}", 2)
        if risk.if_then:
            paper.paragraph(risk.if_then)
        paper.paragraph(f"Owner: {row.owner}")
        if risk.category_id:
            paper.paragraph(f"Category: {risk.category.name}")
        paper.paragraph(f"Inherent score: {row.inherent.words}")
        paper.paragraph(f"Current score: {row.current.words} ({row.appetite_words})"
                        + (f", last reviewed in {row.reviewed_in}" if row.reviewed_in else ""))
        paper.paragraph(f"Target score: {row.target.words}")
        if row.direction:
            paper.paragraph(f"Direction of travel: {row.direction}")
        if row.controls_blocks:
            paper.heading("Controls in place", 3)
            paper.blocks(row.controls_blocks, heading_level=4)
        if row.actions:
            paper.heading("Actions", 3)
            paper.table(ACTION_HEADINGS, [[a.description, a.owner or "–", fmt_date(a.due_date) or "–", a.get_status_display()]
                                          for a in row.actions], widths=ACTION_WIDTHS)
        if row.commentary_blocks:
            paper.heading("Commentary", 3)
            paper.blocks(row.commentary_blocks, heading_level=4)
        if row.progress_blocks:
            paper.heading("Progress on the actions", 3)
            paper.blocks(row.progress_blocks, heading_level=4)
        if row.kpis:
            paper.heading("KPIs that warn of it", 3)
            paper.bullets([f"{k.code} {k.title}" for k in row.kpis])
    return paper.bytes()


def risk_report_filename(report, extension="docx"):
    return f"{report.strategy.slug}-risk-register-{report.period.slug}.{extension}"
