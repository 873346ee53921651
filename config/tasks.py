"""Tasks found by name, so a module that enqueues a step and the `tasks.py` that runs it never import each other."""

from importlib import import_module

from celery import current_app
from celery.exceptions import NotRegistered


def task(name):
    """The task registered as `name` ("app.tasks.function"), its module imported on first use.

    A worker has every task registered at start; a web process registers them as their modules
    are imported, which this does for a task nobody has imported yet.
    """
    try:
        return current_app.tasks[name]
    except NotRegistered:
        import_module(name.rpartition(".")[0])
        return current_app.tasks[name]
