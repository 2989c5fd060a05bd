"""WSGI entry point (gunicorn sefton_ses.wsgi)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sefton_ses.settings")
application = get_wsgi_application()
