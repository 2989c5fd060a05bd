"""Load run against gunicorn on SQLite and on PostgreSQL, loopback only, bounded in time: 50
concurrent readers on the dashboard and briefing while 10 officers save returns (two officers per
return, so the lost-update guard is exercised), for 60 s by default. Closed loop with no think time:
each reader asks again the moment a page arrives. Prints requests per second, p50 and p95 per page,
errors (aim: 0; "database is locked" is one), lost updates (must be 0) and the machine's load.

Everyone signs in before the clock starts (60 password hashes, about 16 s of one core, are not
a crowd reading pages); each then reads or saves for the whole run.

A lost update is two saves both accepted from the same starting version of a return: the second
would have overwritten the first unseen. Refused stale saves are the guard working, not errors.

    .venv/bin/python bench/load.py [--seconds 60] [--readers 50] [--officers 10] [--databases sqlite,postgres]
                                     [--workers 2] [--threads 12]
"""
import argparse
import os
import re
import statistics
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve import Session, database, form_fields, gunicorn, prepare  # noqa: E402

READER_PAGES = ["/dashboard/", "/periods/2023-24-q3/briefing/"]
OPEN_PERIOD = "2023-24-q4"


def percentile(samples, p):
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def reader(session, start, deadline, stats, errors):
    start.wait()
    i = 0
    while time.monotonic() < deadline[0]:
        path = READER_PAGES[i % len(READER_PAGES)]
        i += 1
        began = time.perf_counter()
        try:
            status, _ = session.get(path)
        except Exception as exc:  # noqa: BLE001 - an error is counted, not fatal
            errors.append(f"{path}: {exc}")
            continue
        stats[path].append((time.perf_counter() - began) * 1000)
        if status != 200:
            errors.append(f"{path}: HTTP {status}")


def officer(session, number, start, deadline, stats, errors, accepted, refused):
    start.wait()
    sub = f"bench-sub-{(number + 1) // 2}"
    path = f"/periods/{OPEN_PERIOD}/returns/{sub}/"
    n = 0
    while time.monotonic() < deadline[0]:
        n += 1
        try:
            status, html = session.get(path)
            fields = form_fields(html)
            version = fields.get("version", "")
            fields["commentary"] = f"officer {number} save {n}"
            fields.setdefault("overall_rag", "green")
            button = re.search(rb'<button[^>]*name="([^"]+)"[^>]*value="(save[^"]*)"', html)
            if button:
                fields[button.group(1).decode()] = button.group(2).decode()
            began = time.perf_counter()
            status, body = session.post(path, fields)
            stats["save return"].append((time.perf_counter() - began) * 1000)
        except Exception as exc:  # noqa: BLE001
            errors.append(f"save {path}: {exc}")
            continue
        if status >= 500:
            errors.append(f"save {path}: HTTP {status}")
        elif b"changed since you opened it" in body or b"has been changed by" in body or status == 409:
            refused.append(sub)
        elif status in (200, 302) and b"There is a problem" not in body:
            accepted[sub].append(version)
        else:
            errors.append(f"save {path}: not accepted (HTTP {status})")


def run(kind, args):
    """One load run on a throwaway database of the given kind: its figures, as a dict."""
    with database(kind) as url:
        prepare(url)
        with gunicorn(url, workers=args.workers, threads=args.threads) as base:
            stats, errors, refused = defaultdict(list), [], []
            accepted = defaultdict(list)
            readers = [Session(base).sign_in("cabinet", "cabinet-demo-pass") for _ in range(args.readers)]
            officers = [Session(base).sign_in(f"bench-officer-{i}", "bench-officer-pass") for i in range(1, args.officers + 1)]
            start, deadline = threading.Event(), [0.0]
            threads = [threading.Thread(target=reader, args=(s, start, deadline, stats, errors)) for s in readers]
            threads += [threading.Thread(target=officer, args=(s, i, start, deadline, stats, errors, accepted, refused))
                        for i, s in enumerate(officers, start=1)]
            for t in threads:
                t.start()
            load_before = os.getloadavg()
            started = time.monotonic()
            deadline[0] = started + args.seconds
            start.set()
            for t in threads:
                t.join(timeout=args.seconds + 120)
            elapsed = time.monotonic() - started
            load_after = os.getloadavg()
    lost = sum(len(versions) - len(set(versions)) for versions in accepted.values())
    return {"stats": stats, "errors": errors, "refused": refused, "accepted": accepted, "elapsed": elapsed,
            "lost": lost, "load": (load_before[0], load_after[0])}


def report(kind, args, r):
    stats = r["stats"]
    total = sum(len(v) for v in stats.values())
    print(f"## Load run: {args.readers} readers + {args.officers} officers for {args.seconds} s, gunicorn "
          f"{args.workers} workers × {args.threads} threads on {kind}, loopback")
    print(f"machine load (1-minute average) before {r['load'][0]:.1f}, after {r['load'][1]:.1f} on {os.cpu_count()} cores")
    print(f"requests: {total} in {r['elapsed']:.1f} s = {total / r['elapsed']:.1f} per second")
    print("| page | requests | p50 ms | p95 ms |")
    print("|---|---|---|---|")
    for page, samples in stats.items():
        print(f"| {page} | {len(samples)} | {statistics.median(samples):.0f} | {percentile(samples, 95):.0f} |")
    readers = [ms for page, samples in stats.items() if page in READER_PAGES for ms in samples]
    print(f"readers' p95: {percentile(readers, 95):.0f} ms over {len(readers)} pages")
    print(f"saves accepted: {sum(len(v) for v in r['accepted'].values())}; stale saves refused by the guard: {len(r['refused'])}")
    errors = r["errors"]
    print(f"errors: {len(errors)}" + (f" (first: {errors[:3]})" if errors else ""))
    print(f"lost updates: {r['lost']}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--officers", type=int, default=10)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--workers", type=int, default=2)  # one per core: README, Performance (4 × 4 doubled the p95)
    parser.add_argument("--threads", type=int, default=12)  # one worker a core, 12 threads each: README, Performance
    args = parser.parse_args()
    failed = False
    for kind in args.databases.split(","):
        r = run(kind, args)
        report(kind, args, r)
        failed = failed or bool(r["lost"])
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
