"""gunicorn settings for bench/activities_load.py (passed through GUNICORN_CMD_ARGS).

The master process loads the application and imports every URL module before it forks the
workers, so the workers start warm: on a busy machine, two workers importing the whole project
at the same time on their first request took longer than the load helper's start-up wait.
"""

preload_app = True


def when_ready(server):
    from django.db import connections
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every URL module (views, APIs)
    connections.close_all()  # the workers open their own connections
