"""Load run against gunicorn on PostgreSQL, loopback only, bounded in time: 50 concurrent readers
on the dashboard and briefing while 10 officers save returns (two officers per return, so the
lost-update guard is exercised), for 60 s by default. Prints requests per second, p50 and p95 per
page, errors (aim: 0) and lost updates (must be 0).

A lost update is two saves both accepted from the same starting version of a return: the second
would have overwritten the first unseen. Refused stale saves are the guard working, not errors.

    .venv/bin/python bench/load.py [--seconds 60] [--readers 50] [--officers 10]
"""
import argparse
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


def reader(base, deadline, stats, errors):
    session = Session(base).sign_in("cabinet", "cabinet-demo-pass")
    i = 0
    while time.monotonic() < deadline:
        path = READER_PAGES[i % len(READER_PAGES)]
        i += 1
        start = time.perf_counter()
        try:
            status, _ = session.get(path)
        except Exception as exc:  # noqa: BLE001 - an error is counted, not fatal
            errors.append(f"{path}: {exc}")
            continue
        stats[path].append((time.perf_counter() - start) * 1000)
        if status != 200:
            errors.append(f"{path}: HTTP {status}")


def officer(base, number, deadline, stats, errors, accepted, refused):
    session = Session(base).sign_in(f"bench-officer-{number}", "bench-officer-pass")
    sub = f"bench-sub-{(number + 1) // 2}"
    path = f"/periods/{OPEN_PERIOD}/returns/{sub}/"
    n = 0
    while time.monotonic() < deadline:
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
            start = time.perf_counter()
            status, body = session.post(path, fields)
            stats["save return"].append((time.perf_counter() - start) * 1000)
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


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--officers", type=int, default=10)
    parser.add_argument("--database", default="postgres")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    with database(args.database) as url:
        prepare(url)
        with gunicorn(url, workers=args.workers, threads=4) as base:
            stats, errors, refused = defaultdict(list), [], []
            accepted = defaultdict(list)
            deadline = time.monotonic() + args.seconds
            threads = [threading.Thread(target=reader, args=(base, deadline, stats, errors)) for _ in range(args.readers)]
            threads += [threading.Thread(target=officer, args=(base, i, deadline, stats, errors, accepted, refused))
                        for i in range(1, args.officers + 1)]
            started = time.monotonic()
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=args.seconds + 120)
            elapsed = time.monotonic() - started
    total = sum(len(v) for v in stats.values())
    lost = sum(len(versions) - len(set(versions)) for versions in accepted.values())
    print(f"## Load run: {args.readers} readers + {args.officers} officers for {args.seconds} s, gunicorn "
          f"{args.workers} workers × 4 threads on {args.database}, loopback")
    print(f"requests: {total} in {elapsed:.1f} s = {total / elapsed:.1f} per second")
    print("| page | requests | p50 ms | p95 ms |")
    print("|---|---|---|---|")
    for page, samples in stats.items():
        print(f"| {page} | {len(samples)} | {statistics.median(samples):.0f} | {percentile(samples, 95):.0f} |")
    print(f"saves accepted: {sum(len(v) for v in accepted.values())}; stale saves refused by the guard: {len(refused)}")
    print(f"errors: {len(errors)}" + (f" (first: {errors[:3]})" if errors else ""))
    print(f"lost updates: {lost}")
    sys.exit(1 if lost else 0)


if __name__ == "__main__":
    main()
