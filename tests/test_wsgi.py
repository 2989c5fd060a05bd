"""The server's entry point (sefton_ses/wsgi.py) settles what it has loaded out of the garbage
collector's sight, so that a long page does not pay for a full collection over all of Django."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wsgi_entry_point_loads_the_urls_and_freezes_what_it_loaded():
    probe = ("import gc, sys; import sefton_ses.wsgi; "
             "print(gc.get_freeze_count(), 'reporting.returns.views' in sys.modules)")
    env = dict(os.environ, DJANGO_ENV="development")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    frozen, views_loaded = out.stdout.split()
    assert int(frozen) > 50_000 and views_loaded == "True"
