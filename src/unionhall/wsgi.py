import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionhall.settings")
application = get_wsgi_application()

# Import every view now, while the worker boots, rather than during its first
# request: Django reads the URLconf lazily, and that first request (a voter's
# cast, say) would otherwise wait about a second for the imports.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns
