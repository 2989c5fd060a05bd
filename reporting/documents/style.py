"""What every paper and workbook the product writes shares: the RAG colours (the Word documents' RAG
cells, the workbooks' RAG cells and the pages' tags are one palette)."""

# The same colours as static/css/app.css .app-rag--*: (fill, text).
RAG_COLOURS = {
    "red": ("A4231F", "FFFFFF"),
    "amber": ("F7A600", "0B0C0C"),
    "green": ("00703C", "FFFFFF"),
    "yellow": ("FFDD00", "0B0C0C"),  # a risk band's colour (reporting.risk_models.RiskBand), never a RAG
    None: ("E8E9EA", "0B0C0C"),
}
