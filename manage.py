#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.management import execute_from_command_line

    from apps.core import request_context

    # A command acts as the system, under its own name in the access log.
    command = " ".join(["manage.py", *sys.argv[1:2]])
    with request_context.acting(request_context.RequestContext(path=command)):
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
