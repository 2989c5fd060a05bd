"""The documents the product writes for the council (the briefing note and the committee report as
Word and PDF), on one base: the council's own Word template or the plain default, A4, one font
family, en-GB, a header with the council's name and the paper's title, "Page X of Y" in the footer.

- base.py: the base document (template or default), its styles, header, footer and properties;
- word.py: `Paper`, what every document writes with (headings, paragraphs, lists, tables, links);
- text.py: a text field's paragraphs, lists and headings (the one reading of typed text);
- pdf.py: the PDF copy, made by LibreOffice headless, kept off the network;
- templates.py: checking an uploaded template (on upload and on each use) and putting it in use.
"""
