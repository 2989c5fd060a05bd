"""Page benchmark: serves the app with gunicorn on a large generated council (12 objectives,
60 sub-strands, 1,200 KPIs, 40 quarters), on SQLite and on PostgreSQL, and prints for each page
the median time over repeated requests beside the bare page of the same server (the sign-in page),
and the page's SQL query count.

No page is kept whole. The readers' pages (dashboard, briefing) keep what they built from the data
for everyone of the same audience until the data changes (reporting/readers_cache.py): each page is
timed as served (after its first request, from what it keeps) and, on a second server with
READERS_CACHE_SECONDS=0, built every time (as after each approval, and for the Economy Cell after
each draft saved).

    .venv/bin/python bench/pages.py [--repeat 30] [--databases sqlite,postgres]
"""
import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve import PY, ROOT, Session, bench_env, database, gunicorn, prepare  # noqa: E402

COUNT_QUERIES = r"""
import json, os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sefton_ses.settings")
django.setup()
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
pages = json.loads(os.environ["BENCH_PAGES"])
signed_in, anonymous = Client(), Client()
signed_in.force_login(get_user_model().objects.get(username=os.environ["BENCH_USER"]),
                      backend="django.contrib.auth.backends.ModelBackend")
out = {}
for name, path in pages.items():
    client = anonymous if name in os.environ["BENCH_ANONYMOUS"].split("|") else signed_in
    client.get(path)
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(path).status_code
    out[name] = {"queries": len(ctx.captured_queries), "client_status": status}
print(json.dumps(out))
"""


def pages_for_large_council():
    return {
        "sign-in page (bare)": "/accounts/login/",
        "dashboard": "/dashboard/",
        "briefing": "/periods/2023-24-q3/briefing/",
        "sub-strand page": "/sub-strands/bench-sub-1/",
        "briefing with its optional parts": "/periods/2023-24-q2/briefing/",
        "KPI page": "/kpis/B-00001/",
        "return page": "/periods/2023-24-q4/returns/bench-sub-1/",
        # The officers' pages beside the return page (issue 24): the coordinator's view of each, the largest.
        "review queue": "/review/",
        "My returns": "/my-returns/",
        "calendar": "/calendar/",
        "targets page": "/years/2023/targets/",
        # The rest of the journeys' pages (issue 24: every page of the four journeys and the public pages).
        "home page": "/",
        "stale figures": "/dashboard/stale-figures/",
        "risk register": "/risks/",
        "risk heat map": "/risks/heat-map/",
        "action plans": "/action-plans/",
        "benchmarks": "/benchmarks/",
        "workbooks": "/workbooks/",
        # The public pages, as a visitor who has not signed in sees them.
        "public dashboard": "/public/",
        "public briefing": "/public/quarters/2023-24-q3/briefing/",
        "public sub-strand page": "/public/sub-strands/bench-sub-1/",
        "public KPI page": "/public/kpis/B-00001/",
        "public open data": "/public/data/",
    }


def is_anonymous(path):
    """The sign-in page and the public pages are timed as a visitor who has not signed in sees them."""
    return path == "/accounts/login/" or path.startswith("/public/")


def time_pages(base, pages, repeat, user=("coordinator", "coordinator-demo-pass")):
    signed_in = Session(base).sign_in(*user)
    anonymous = Session(base)
    results = {}
    for name, path in pages.items():
        session = anonymous if is_anonymous(path) else signed_in
        status, _ = session.get(path)  # warm up
        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            status, body = session.get(path)
            samples.append((time.perf_counter() - start) * 1000)
        results[name] = {"median_ms": statistics.median(samples), "p95_ms": sorted(samples)[int(0.95 * (len(samples) - 1))],
                         "status": status, "bytes": len(body)}
    return results


def count_queries(database_url, pages, user="coordinator", extra_env=None):
    anonymous = "|".join(name for name, path in pages.items() if is_anonymous(path))
    env = bench_env(database_url) | {"BENCH_PAGES": json.dumps(pages), "BENCH_USER": user,
                                     "BENCH_ANONYMOUS": anonymous} | (extra_env or {})
    out = subprocess.run([PY, "-c", COUNT_QUERIES], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])




def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--databases", default="sqlite,postgres")
    args = parser.parse_args()
    pages = pages_for_large_council()
    report = {}
    for kind in args.databases.split(","):
        with database(kind) as url:
            t0 = time.perf_counter()
            prepare(url)
            print(f"[{kind}] generated the large council in {time.perf_counter() - t0:.1f} s", flush=True)
            queries = count_queries(url, pages)
            with gunicorn(url) as base:
                timings = time_pages(base, pages, args.repeat)
            report[kind] = {name: {**timings[name], **queries[name]} for name in pages}
            built_queries = count_queries(url, pages, extra_env={"READERS_CACHE_SECONDS": "0"})
            with gunicorn(url, extra_env={"READERS_CACHE_SECONDS": "0"}) as base:
                timings = time_pages(base, pages, args.repeat)
            report[f"{kind}, built every time"] = {name: {**timings[name], **built_queries[name]} for name in pages}
    print()
    for kind, rows in report.items():
        bare = rows["sign-in page (bare)"]["median_ms"]
        print(f"## {kind}: medians over {args.repeat} requests, gunicorn 2 workers, loopback")
        print("| page | median ms | p95 ms | × bare | queries | KB | status |")
        print("|---|---|---|---|---|---|---|")
        for name in pages:
            r = rows[name]
            print(f"| {name} | {r['median_ms']:.1f} | {r['p95_ms']:.1f} | {r['median_ms'] / bare:.1f} | {r['queries']} "
                  f"| {r['bytes'] // 1024} | {r['status']} |")
        print()
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "pages.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
