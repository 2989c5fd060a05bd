"""One process's CPU for pages, beside the sign-in page (the bare page): for working on a page.

bench/pages.py times pages as served (gunicorn, over HTTP, both databases); this asks Django's test
client for them in this process and prints the median CPU time of each (time.process_time, so that a
busy machine's other work counts less than in wall time), its multiple of the sign-in page's, its
status and its SQL queries. Run it against a database of your choice, e.g. the large council
(bench/large_council.py):

    DATABASE_URL=sqlite:///large.sqlite3 .venv/bin/python bench/page_cpu.py --user coordinator \\
        /review/ /my-returns/ /periods/2023-24-q4/returns/bench-sub-1/

--profile PATH prints cProfile's 40 costliest calls (cumulative) over five requests of that page.
"""
import argparse
import cProfile
import logging
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sefton_ses.settings")
os.environ.setdefault("DJANGO_ENV", "development")


def cpu_ms(client, path, repeat):
    """The median CPU milliseconds of `repeat` requests (after one not counted), and the last status."""
    client.get(path)
    times = []
    for _ in range(repeat):
        start = time.process_time()
        response = client.get(path)
        times.append(time.process_time() - start)
    return statistics.median(times) * 1000, response.status_code


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--user", default="coordinator", help="who is signed in (a username)")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--profile", metavar="PATH", help="profile this page too")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["*"]
    logging.getLogger("ses.requests").setLevel(logging.WARNING)  # one line a request would drown the figures
    signed_in, visitor = Client(), Client()
    signed_in.force_login(get_user_model().objects.get(username=args.user),
                          backend="django.contrib.auth.backends.ModelBackend")
    bare, _ = cpu_ms(visitor, "/accounts/login/", args.repeat)
    print(f"sign-in page (bare): {bare:.1f} ms")
    for path in args.paths:
        ms, status = cpu_ms(signed_in, path, args.repeat)
        with CaptureQueriesContext(connection) as queries:
            signed_in.get(path)
        print(f"{path}: {ms:.1f} ms ({ms / bare:.1f}x) status {status}, {len(queries)} queries")
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(5):
            signed_in.get(args.profile)
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
