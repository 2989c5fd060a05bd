"""The database connection of the long-running workers (the outbox's `send_outbox`, the PDF worker's
`make_papers`): one rule for both."""
from django.db import close_old_connections, connection


def reconnect_if_needed():
    """A fresh connection when the old one is broken or too old (a database restarted while the worker
    waited) — never inside a transaction (a caller's, or a test's), which closing it would break."""
    if not connection.in_atomic_block:
        close_old_connections()
