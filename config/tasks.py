"""Tasks found by name, so a module that enqueues a step and the `tasks.py` that runs it never import each other."""

import logging
from importlib import import_module

from celery import current_app
from celery.exceptions import NotRegistered
from kombu.exceptions import KombuError

log = logging.getLogger(__name__)

# What publishing a task raises when the queue cannot take it: Redis down (kombu's OperationalError),
# the filesystem broker's folders missing (OSError).
QUEUE_REFUSED = (OSError, KombuError)


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


def enqueue(name, *args, countdown=None):
    """Send the task `name` with `args`; True when the queue took it.

    For work already stored that a beat's sweep finds again (a change of the outbox, a fill to apply): a queue
    that cannot take the task is logged, not raised, so the person who asked sees their request stored and
    waiting, never an error page, and the sweep sends it once the queue is back.
    """
    try:
        task(name).apply_async(args, countdown=countdown)
    except QUEUE_REFUSED as exc:
        log.warning("task %s%r waits for its sweep: the task queue refused it (%s)", name, args, exc)
        return False
    return True
