"""live_database: each call a database of its own, as freshly made, though the making (migrate,
load_sefton, create_demo_users) runs once per session for each kind and every call gets a copy."""
import contextlib
import sqlite3
from pathlib import Path

import psycopg2

from tests.reliability.live import DEMO_PASSWORDS, live_database

SEFTON_TABLES = ("objectives_strategicobjective", "objectives_substrand", "objectives_reportingperiod", "kpis_kpi")


def sql(url, statement, *params):
    """Rows of one statement on the database at `url` (a SQLite file or a PostgreSQL database), committed."""
    if url.startswith("sqlite:///"):
        with contextlib.closing(sqlite3.connect(url[len("sqlite:///"):])) as db:
            rows = db.execute(statement.replace("%s", "?"), params).fetchall()
            db.commit()
            return [tuple(r) for r in rows]
    with contextlib.closing(psycopg2.connect(url.replace("postgres://", "postgresql://", 1))) as db:
        with db.cursor() as cur:
            cur.execute(statement, params)
            rows = cur.fetchall() if cur.description else []
        db.commit()
        return [tuple(r) for r in rows]


def counts(url):
    return {table: sql(url, f"SELECT COUNT(*) FROM {table}")[0][0] for table in SEFTON_TABLES}


def usernames(url):
    return {name for (name,) in sql(url, "SELECT username FROM auth_user")}


def add_group(url, name):
    sql(url, "INSERT INTO auth_group (name) VALUES (%s)", name)
    return sql(url, "SELECT id FROM auth_group WHERE name = %s", name)[0][0]


def groups(url):
    return {name for (name,) in sql(url, "SELECT name FROM auth_group")}


def test_two_live_databases_are_independent_and_both_hold_the_sefton_data_and_the_demo_users():
    with live_database() as first, live_database() as second:
        assert first != second
        assert counts(first) == counts(second) and all(counts(first).values()), counts(first)
        assert set(DEMO_PASSWORDS) <= usernames(first) and usernames(first) == usernames(second)

        first_id = add_group(first, "Written to the first only")
        assert "Written to the first only" not in groups(second)
        # The same row written to the second gets the same id: each has its own sequences, as made.
        assert add_group(second, "Written to the first only") == first_id
        sql(second, "UPDATE auth_user SET email = %s WHERE username = %s", "changed@second.example", "officer")
        assert sql(first, "SELECT email FROM auth_user WHERE username = %s", "officer") != [("changed@second.example",)]
    if first.startswith("sqlite:///"):
        assert not Path(first[len("sqlite:///"):]).exists()

    # What a test wrote stays in its copy: the next one is as the first was made.
    with live_database() as third:
        assert "Written to the first only" not in groups(third)
        assert set(DEMO_PASSWORDS) <= usernames(third)


def test_a_live_database_without_data_is_migrated_and_empty():
    with live_database(data=False) as url, live_database(data=False) as other:
        assert sql(url, "SELECT COUNT(*) FROM django_migrations")[0][0] > 0
        assert usernames(url) == set() and not any(counts(url).values())
        add_group(url, "Written to one only")
        assert "Written to one only" not in groups(other) and usernames(other) == set()
