"""The full API pull of a large council's figures, as Power BI does it (every page of /api/v1/figures/,
1,000 a page, following `next`), with and without gzip: the bytes sent each way.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python bench/large_council.py   # once
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python bench/api_compression.py
"""
import gzip
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sefton_ses.settings")
os.environ.setdefault("API_THROTTLE_RATE", "")
os.environ.setdefault("LOG_REQUESTS", "off")


def pull(client, url):
    sent = plain = pages = figures = 0
    started = time.perf_counter()
    while url:
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200, response.status_code
        body = response.content
        sent += len(body)
        if response.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        plain += len(body)
        answer = json.loads(body)
        figures += len(answer["results"])
        pages += 1
        url = answer["next"]
    return {"figures": figures, "pages": pages, "uncompressed_bytes": plain, "sent_bytes": sent,
            "seconds": round(time.perf_counter() - started, 1)}


if __name__ == "__main__":
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from reporting.api.tokens import issue_token

    settings.ALLOWED_HOSTS = ["*"]
    user = get_user_model().objects.get(username="coordinator")
    client = Client(headers={"Authorization": f"Bearer {issue_token(user=user, name='bench: Power BI').secret}"})
    result = pull(client, "/api/v1/figures/?page_size=1000")
    result["uncompressed_MB"] = round(result["uncompressed_bytes"] / 1e6, 2)
    result["sent_MB"] = round(result["sent_bytes"] / 1e6, 2)
    print(json.dumps(result))
