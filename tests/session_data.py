"""The Sefton data and the demo users, loaded once per test session (see tests/conftest.py).

Loading them takes most of a second, and four tests in five use them, so they are loaded once,
committed, into the test database. Each test still runs in its own transaction, rolled back
afterwards, so what a test changes never reaches the next one.

A test that does not ask for the Sefton data expects the database as migrations left it, so it
sees the database put back that way inside its own transaction (and so rolled back with it): a
test that asks for `sefton` but not `demo_users` sees no demo user. To do that, the contents of
every table are read before the Sefton data is loaded, after it is loaded and after the demo
users are created; the SQL that turns the last state back into each earlier one (delete the rows
that were added, update the rows that were changed, insert back the rows that were removed) is
worked out then, and run by each test that needs it. (On SQLite the AUTOINCREMENT counters are
put back too; PostgreSQL's sequences are never rolled back, so there, as before, new rows do not
get the keys they would get in a fresh database.)

A transactional test (`transactional_db`, `live_server`, `django_db(transaction=True)`) commits
for real and empties the whole database when it ends (pytest-django flushes it): before the next
test that needs the data, every table is put back, committed, exactly as it was once the demo
users were created (the same rows, keys included), which is quicker than loading the files again.
"""
from django.core.management.color import no_style
from django.db import connection, transaction

# The three states a test may ask for, fewest rows first.
EMPTY, SEFTON, USERS = "empty", "sefton", "demo users"
CHUNK = 500  # primary keys per DELETE ... WHERE pk IN (...)


def needed_state(fixturenames):
    """What a test needs, from the fixtures it uses (directly or through other fixtures)."""
    if "demo_users" in fixturenames:
        return USERS
    if "sefton" in fixturenames:
        return SEFTON
    return EMPTY


def _quote(name):
    return connection.ops.quote_name(name)


_primary_keys = {}  # table -> its primary key column (the tables never change in a session)


def _primary_key(cursor, table):
    if table not in _primary_keys:
        pk = connection.introspection.get_primary_key_columns(cursor, table) or []
        if len(pk) != 1:
            raise RuntimeError(f"tests/session_data.py: table {table} has no single-column primary key")
        _primary_keys[table] = pk[0]
    return _primary_keys[table]


def snapshot():
    """Every row of every table: {table: (columns, pk index, {pk: row})}, and on SQLite the
    counters of its AUTOINCREMENT keys ({table: counter}, from sqlite_sequence), which are part
    of the transaction like any other row."""
    state = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            pk = _primary_key(cursor, table)
            cursor.execute(f"SELECT * FROM {_quote(table)}")
            columns = [c[0] for c in cursor.description]
            index = columns.index(pk)
            state[table] = (columns, index, {row[index]: tuple(row) for row in cursor.fetchall()})
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, seq FROM sqlite_sequence")
            state["sqlite_sequence"] = dict(cursor.fetchall())
    return state


def _inserts(table, columns, rows):
    names = ", ".join(_quote(c) for c in columns)
    row_marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
    per_statement = max(1, 900 // len(columns))  # within every backend's limit on query parameters
    for i in range(0, len(rows), per_statement):
        chunk = rows[i:i + per_statement]
        yield (f"INSERT INTO {_quote(table)} ({names}) VALUES {', '.join([row_marks] * len(chunk))}",
               [value for row in chunk for value in row])


def statements_from(current, target, *, rewrite=False):
    """The SQL, as (sql, params) pairs, that turns the `current` snapshot into the `target` one:
    the rows that are not in `target` are deleted, the changed ones updated, the missing ones
    inserted. With `rewrite`, a table that differs at all is emptied and filled again instead
    (no update can then clash with a unique constraint, as after a flush, where the content types
    come back under other keys). Foreign keys are checked at commit on SQLite and PostgreSQL, so
    the order of the tables does not matter."""
    deletes, updates, inserts = [], [], []
    for table in sorted(set(current) | set(target)):
        if table == "sqlite_sequence":
            continue
        if table not in target or table not in current:
            raise RuntimeError(f"tests/session_data.py: table {table} appeared or went away during the session")
        columns, index, rows = current[table]
        _, _, wanted = target[table]
        if rows == wanted:
            continue
        pk = _quote(columns[index])
        if rewrite:
            deletes.append((f"DELETE FROM {_quote(table)}", []))
            inserts += _inserts(table, columns, [wanted[key] for key in sorted(wanted)])
            continue
        added = sorted(rows.keys() - wanted.keys())
        if added and not wanted:
            deletes.append((f"DELETE FROM {_quote(table)}", []))
        else:
            for i in range(0, len(added), CHUNK):
                chunk = added[i:i + CHUNK]
                deletes.append((f"DELETE FROM {_quote(table)} WHERE {pk} IN ({', '.join(['%s'] * len(chunk))})", chunk))
        for key in sorted(rows.keys() & wanted.keys()):
            if rows[key] != wanted[key]:
                changed = [(c, v) for c, v, now in zip(columns, wanted[key], rows[key]) if v != now]
                sets = ", ".join(f"{_quote(c)} = %s" for c, _ in changed)
                updates.append((f"UPDATE {_quote(table)} SET {sets} WHERE {pk} = %s", [v for _, v in changed] + [key]))
        inserts += _inserts(table, columns, [wanted[key] for key in sorted(wanted.keys() - rows.keys())])
    counters = []
    if "sqlite_sequence" in target:
        now, wanted = current["sqlite_sequence"], target["sqlite_sequence"]
        counters += [("DELETE FROM sqlite_sequence WHERE name = %s", [name]) for name in sorted(now.keys() - wanted.keys())]
        counters += [("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [wanted[name], name])
                     for name in sorted(now.keys() & wanted.keys()) if now[name] != wanted[name]]
        counters += [("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [name, wanted[name]])
                     for name in sorted(wanted.keys() - now.keys())]
    return deletes + updates + inserts + counters


def _run(statements):
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


class SessionData:
    """Whether the session's data is in the database, and how to take it back out."""

    def __init__(self):
        self.blocker = None  # django_db_blocker, while the test database exists
        self.loaded = False  # the Sefton data and the demo users are in the database, committed
        self.seen = EMPTY  # what the running test sees: EMPTY, SEFTON or USERS (set by put_back)
        self.counts = None  # what load_fixture_files() returned
        self.snapshots = {}
        self.statements = {}

    def load(self):
        """Load the Sefton data and the demo users, committed; note how to undo either. Once they
        have been loaded, put every table back as it was then instead."""
        if self.snapshots:
            self._restore()
            return
        from objectives.models import Strategy
        from reporting.demo import create_demo_users
        from reporting.loaders import load_fixture_files

        if Strategy.objects.exists():  # a database kept from an earlier run (--reuse-db)
            from django.core.management import call_command

            call_command("flush", interactive=False, verbosity=0)
        self.snapshots[EMPTY] = snapshot()
        self.counts = load_fixture_files()
        self.snapshots[SEFTON] = snapshot()
        create_demo_users()
        self.snapshots[USERS] = snapshot()
        self.statements = {state: statements_from(self.snapshots[USERS], self.snapshots[state]) for state in (EMPTY, SEFTON)}
        self.statements[USERS] = []
        self.loaded = True

    def _restore(self):
        from django.apps import apps
        from django.contrib.contenttypes.models import ContentType

        _run(statements_from(snapshot(), self.snapshots[USERS], rewrite=True))
        if connection.vendor == "postgresql":  # the sequences go on after the highest key put back
            _run([(sql, []) for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True))])
        # The flush made new content types under new keys: none of them may stay cached.
        ContentType.objects.clear_cache()
        self.loaded = True

    def put_back(self, state):
        """Turn the database into `state` (inside the caller's transaction, if there is one): the
        one the running test sees. Without the session's data it is as empty as it gets."""
        if self.loaded:
            _run(self.statements[state])
        self.seen = state if self.loaded else EMPTY


session_data = SessionData()
