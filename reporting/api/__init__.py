"""The read API for the council's own reports (Power BI, Excel Power Query): JSON over Django REST
framework, one bearer token per user or service account, the pages' access rules (reporting.access)."""
