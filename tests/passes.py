"""Which of `make test`'s two passes (SQLite, PostgreSQL) runs each test.

`make test` runs the suite on SQLite and on PostgreSQL side by side (tools/run-tests.sh), each pass
with `--suite-pass=sqlite` or `--suite-pass=postgresql`. A test that uses the database runs in both:
what it proves may differ from one database to the other. A test whose outcome cannot depend on the
database runs in one pass only, the one ONCE names for its kind, so the two passes do not repeat
each other's work (and end at about the same time: the PostgreSQL pass is the slower one):

- "no database": it never touches the database (pytest-django refuses it one it has not asked
  for), nor a database of the run's kind of its own (tests/reliability/live.py `live_database`);
- "browser": what it proves is the browser's side (Chromium's rendering, scripts, axe's WCAG
  checks, the keyboard); the database behaviour behind the same pages is covered by the view and
  service tests, which run in both passes;
- "libreoffice": it reads the session's papers as LibreOffice converted them (the `papers`
  fixture of tests/reporting/documents/conftest.py), or is one of LIBREOFFICE_READS, which convert
  a document or file themselves: what it proves is the converter's output (how LibreOffice prints
  or reads it, or that it reaches no network), from documents whose building from the data is
  tested in both passes (tests/reporting/documents/test_word.py, the workbooks' cells in
  tests/security/test_formula_injection.py...);
- "fuzzing": schemathesis's three runs against the read API (tests/reporting/api/test_fuzz.py),
  bounded by time, not by what they prove, are shared out so that each database is fuzzed and the
  passes end together: as the Economy Cell (who sees drafts too) on PostgreSQL, the production
  database, whose types are the stricter (a NUL, an integer out of range, an impossible date); as
  the readers on SQLite. The API's answers themselves are tested by tests/reporting/api/ in both.
- "html checker": the Nu Html Checker over every page of the journeys (tests/test_html_valid.py):
  what it proves is the templates' HTML, the same on either database; what the pages do to the
  database is tested by the view tests in both passes.
- "words walk": the walks over every page, document and export (and the admin) as each role of
  the made-up councils (Anytown, Oakvale) and the footer walk (WORDS_WALKS): what they prove is the
  words on those pages (the council's own words and grammar, never the first customer's; the
  footer's links), which the templates and the council's terms decide, the same on either
  database. What those pages do to the database is proved in both passes: every address as each
  reader (tests/security/test_url_walk.py), every page with unstorable text as the Economy Cell
  and a reader (tests/security/test_unstorable_text.py), every form fuzzed
  (tests/security/test_fuzz_forms.py), and each page's own view tests.

Each kind goes to the pass that keeps the two passes about equally long, since the longer one sets
the suite's time: the browser tests (about 210 s) and the readers' fuzzing (about 45 s) to the
SQLite pass, where the browser's live server and its flushes are cheaper; the words walks (about
70 s), LibreOffice's readings (about 45 s), the Economy Cell's fuzzing and the HTML checker (about
17 s, with its Java) to the PostgreSQL pass, whose share of the tests that use the database is the
slower. (Measured from --durations of a fresh clone's make test: on 7 December 2026, fourth session,
the tests run in both took 475 s of the SQLite pass and 640 s of the PostgreSQL pass; on 8 December
2026, seventh session, the SQLite pass still ended 15-50 s after the PostgreSQL one in every run, so
the HTML checker moved to the PostgreSQL pass: README, "Performance", the suite.)

Without `--suite-pass` (a developer running pytest) every test runs.
"""

PASSES = ("sqlite", "postgresql")
VENDOR = {"sqlite": "sqlite", "postgresql": "postgresql"}  # the connection.vendor each pass expects
ONCE = {"no database": "sqlite", "browser": "sqlite", "libreoffice": "postgresql",
        "fuzzing as a reader": "sqlite", "fuzzing as the Economy Cell": "postgresql", "html checker": "postgresql",
        "words walk": "postgresql"}
FUZZING = "tests/reporting/api/test_fuzz.py"
HTML_CHECKER = "tests/test_html_valid.py"
# The tests that convert a file with LibreOffice themselves and prove what the converter makes of it
# (the kind "libreoffice", above); each a test's id without its parameters.
LIBREOFFICE_READS = (
    "tests/security/test_formula_injection.py::test_libreoffice_finds_no_formula_in_the_files",
    "tests/reporting/risks/test_import.py::test_libreoffice_prints_each_sheet_of_the_register_on_one_a4_landscape_page",
    "tests/reporting/briefings/test_appendix_verdicts.py::test_the_pdf_appendix_says_the_verdicts_and_breaks_no_word",
    "tests/reporting/documents/test_template_safety.py::test_no_request_reaches_a_listener_while_a_pdf_is_made_from_a_hostile_document",
    "tests/reporting/documents/test_template_safety.py::"
    "test_the_profile_alone_keeps_libreoffice_off_a_listener_where_namespaces_are_not_allowed",
    "tests/reporting/documents/test_template_safety.py::test_a_program_run_as_libreoffice_is_run_cannot_connect_anywhere",
    "tests/reporting/documents/test_papers_as_sent.py::"
    "test_a_council_footer_without_page_numbers_gets_them_and_one_with_them_keeps_its_own",
    "tests/reporting/documents/test_word.py::test_the_council_template_reaches_the_pdf_too",
)
# The walks whose proof is the words of every page (the kind "words walk", above); each a test's id
# without its parameters.
WORDS_WALKS = (
    "tests/test_any_council.py::test_every_page_document_and_export_speaks_the_councils_words_as_each_role",
    "tests/test_any_council.py::test_the_admin_speaks_the_councils_words",
    "tests/test_council_grammar.py::test_every_page_document_and_export_as_each_role_speaks_in_oakvales_words",
    "tests/test_council_grammar.py::test_the_admin_speaks_in_oakvales_words",
    "tests/reporting/legal/test_legal_pages.py::test_every_page_links_to_them_in_its_footer",
)

# The fixtures by which a test reaches the database of the run (directly or through other fixtures).
DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}


def _uses_own_database_of_the_runs_kind(item):
    """The test (or its module) makes a database of the run's kind outside pytest-django."""
    from tests.reliability.live import live_database

    return getattr(getattr(item, "module", None), "live_database", None) is live_database


def test_id(item):
    """The test's id without its parameters."""
    return item.nodeid.split("[", 1)[0]


def kind(item):
    """The kind of test ONCE names, or None for a test that depends on the database (both passes)."""
    names = set(getattr(item, "fixturenames", ()))
    uses_db = item.get_closest_marker("django_db") is not None or bool(DATABASE_FIXTURES & names)
    if item.nodeid.startswith(FUZZING + "::"):
        return "fuzzing as the Economy Cell" if "[coordinator]" in item.nodeid else "fuzzing as a reader"
    if item.get_closest_marker("browser") is not None:
        return "browser"
    if item.nodeid.startswith(HTML_CHECKER + "::"):
        return "html checker"
    if test_id(item) in WORDS_WALKS:
        return "words walk"
    if "papers" in names or test_id(item) in LIBREOFFICE_READS:
        return "libreoffice"
    if not uses_db and not _uses_own_database_of_the_runs_kind(item):
        return "no database"
    return None


def passes_for(item):
    """The passes that run this test."""
    once = kind(item)
    return PASSES if once is None else (ONCE[once],)


def select(items, suite_pass):
    """(kept, deselected) for the pass; every item when suite_pass is None."""
    if suite_pass is None:
        return list(items), []
    kept, deselected = [], []
    for item in items:
        (kept if suite_pass in passes_for(item) else deselected).append(item)
    return kept, deselected


collected = []  # every test the session collected, before a pass left any out (tests/conftest.py)
