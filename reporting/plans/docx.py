"""The committee report as a Word document (python-docx), for the council's committee system.

Built from the same `Report` as the page (reporting.plans.report.report_contents), laid out as the
council's own paper (fixtures/sources/employment-action-plan-update-dec-2017.txt): its cover fields
(Summary, Recommendation(s) … Background Papers, the contact officer's lines), then the body,
"1. Introduction/Background" with the headings written into it, and "2 Progress Against
Recommendations", each recommendation headed by its own wording, numbered once, its narrative
under it with its lists, breakdowns and links as written. Nothing the paper does not have: no
tables of output figures, no notes of our own. The paper itself (A4, fonts, header, footer) is
reporting/documents.
"""
from docx.shared import Pt

from reporting.documents.word import DOCX_CONTENT_TYPE, Paper, dated, fmt_date  # noqa: F401 - DOCX_CONTENT_TYPE for the views

INTRODUCTION = "1. Introduction/Background"
PROGRESS = "2 Progress Against Recommendations"


def _section(paper, section, level=1):
    paper.heading(section.heading, level)
    paper.blocks(section.blocks, heading_level=level + 1)
    for heading, blocks in section.parts:
        paper.heading(heading, level + 1)
        paper.blocks(blocks, heading_level=level + 2)


def report_date(update):
    """The day the report carries in its properties (and its PDF): its meeting's, else the day it
    reports progress to; never the day it was made."""
    return update.meeting_date or update.as_at


def build_report_docx(report):
    """The report as .docx bytes."""
    update = report.plan_update
    paper = Paper(title=update.title, subject=report.plan.name, keywords=f"{report.plan.name}; committee report; {update.slug}",
                  created=dated(report_date(update)))
    paper.title(update.title)
    if update.committee:
        paper.paragraph(f"Report to: {update.committee}")
    if update.meeting_date:
        paper.paragraph(f"Date of meeting: {fmt_date(update.meeting_date)}")

    for section in report.cover:
        _section(paper, section)
    for label, value in report.contact:
        if value:
            line = paper.paragraph()
            line.add_run(f"{label}: ")
            if label == "Email Address":
                paper.link(line, value, f"mailto:{value}")
            else:
                line.add_run(value)
    for section in report.cover_tail:
        _section(paper, section)

    paper.heading(INTRODUCTION, 1)
    paper.blocks(report.introduction_blocks, heading_level=2)

    paper.heading(PROGRESS, 1)
    if not report.recommendations:
        paper.paragraph("No progress on any recommendation has been approved for this report yet.")
    for rec in report.recommendations:
        heading = paper.heading(rec.heading, 2)
        for run in heading.runs:  # the paper sets the wording at the size of its text
            run.font.size = Pt(11)
        if rec.status_label:
            paper.paragraph(f"Status: {rec.status_label}", keep_with_next=True)
        paper.blocks(rec.narrative_blocks, heading_level=3)
    return paper.bytes()


def report_filename(report, extension="docx"):
    return f"{report.plan.slug}-report-{report.plan_update.slug}.{extension}"
