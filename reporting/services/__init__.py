"""Writes of the reporting app, one module per area (returns, briefings, workbook, plans), each
function in a transaction."""
