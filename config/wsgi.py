import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()

# What is loaded by now (Django, the apps, their URLs and models) lives as long as the
# process: moved out of the garbage collector's reach, a full collection no longer walks
# its 200,000 objects in the middle of a request (gc.freeze in the Python documentation).
gc.freeze()
