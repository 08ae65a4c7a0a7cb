import os

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")


class SystemTask(Task):
    """A task acts as the system, under its own name in the access log. Run eagerly inside
    a request it has a context of its own, and the request's comes back when it ends."""

    def __call__(self, *args, **kwargs):
        from apps.core import request_context

        with request_context.acting(request_context.RequestContext(path=f"task {self.name}")):
            return super().__call__(*args, **kwargs)


app = Celery("buurtkompas", task_cls=SystemTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
