"""The committee report as a Word document (python-docx), for the council's committee system.

Built from the same `Report` as the page (reporting.plans.report.report_contents), so both
hold the same headings, recommendations and figure tables. Real Word headings (Heading 1–3, so
the navigation pane and the committee system see the structure), recommendations as numbered
paragraphs "(1)", "(2)"…, bullet lists as Word lists, and every figure and breakdown as a table
with a caption and a repeating header row.
"""
from io import BytesIO

from docx import Document
from docx.shared import Pt

from reporting.briefings.docx import add_captioned_table

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _blocks(doc, blocks):
    for kind, lines in blocks:
        if kind == "ul":
            for item in lines:
                doc.add_paragraph(item, style="List Bullet")
        else:
            paragraph = doc.add_paragraph()
            for i, line in enumerate(lines):
                run = paragraph.add_run(line)
                if i < len(lines) - 1:
                    run.add_break()


# The committee report's tables are drawn exactly as the briefing note's.
_table = add_captioned_table


def build_report_docx(report):
    """The report as .docx bytes."""
    update = report.plan_update
    doc = Document()
    doc.core_properties.title = update.title
    doc.core_properties.subject = report.plan.name
    doc.core_properties.author = "Sefton Council"
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(11)

    doc.add_heading(update.title, level=0)
    facts = []
    if update.committee:
        facts.append(f"Report to: {update.committee}")
    if update.meeting_date:
        facts.append(f"Date of meeting: {update.meeting_date.day} {update.meeting_date:%B %Y}")
    facts.append(f"Progress reported up to: {update.as_at.day} {update.as_at:%B %Y}")
    for fact in facts:
        doc.add_paragraph(fact)

    for section in report.cover:
        doc.add_heading(section.heading, level=1)
        _blocks(doc, section.blocks)
        for heading, blocks in section.parts:
            doc.add_heading(heading, level=2)
            _blocks(doc, blocks)
    doc.add_heading("Contact Officer", level=1)
    for label, value in report.contact:
        if value:
            doc.add_paragraph(f"{label}: {value}")
    for section in report.cover_tail:
        doc.add_heading(section.heading, level=1)
        _blocks(doc, section.blocks)

    doc.add_heading("1. Introduction/Background", level=1)
    _blocks(doc, report.introduction_blocks)

    doc.add_heading("2. Progress Against Recommendations", level=1)
    if not report.recommendations:
        doc.add_paragraph("No progress on any recommendation has been approved for this report yet.")
    for rec in report.recommendations:
        doc.add_heading(f"Recommendation ({rec.number})", level=2)
        for i, (kind, lines) in enumerate(rec.wording_blocks):
            paragraph = doc.add_paragraph()
            text = " ".join(lines) if kind == "p" else "; ".join(lines)
            run = paragraph.add_run(f"({rec.number}) {text}" if i == 0 else text)
            run.bold = True
        if rec.status_label:
            doc.add_paragraph(f"Status: {rec.status_label}")
        _blocks(doc, rec.narrative_blocks)
        if rec.figures:
            _table(doc, rec.figures_caption, rec.figure_headings, rec.figure_rows)
            for figure in rec.breakdowns:
                _table(doc, figure.breakdown_caption, ["Item", "Number"], figure.breakdown)
    if report.not_reported:
        doc.add_paragraph(
            "Not reported on in this update: " + ", ".join(f"({a.number})" for a in report.not_reported) + "."
        )

    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def report_filename(report):
    return f"{report.plan.slug}-report-{report.plan_update.slug}.docx"
