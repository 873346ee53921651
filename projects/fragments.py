"""Fragment URLs (the blocks htmx swaps) opened directly in the browser: the page they belong to instead.

A block such as ``/target-groups/1/fielding/`` is HTML without the layout; a PM who follows or reloads
such a URL gets the target group's page, scrolled to that block, rather than unstyled markup.
"""

from functools import wraps

from django.shortcuts import get_object_or_404, redirect

from .models import TargetGroup


def fragment_of_target_group(anchor):
    """Decorator for a GET view taking the target group's ``pk``: without htmx, redirect to its page at `anchor`."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.htmx and request.method == "GET":
                tg = get_object_or_404(TargetGroup.objects.select_related("project__connection"), pk=kwargs["pk"])
                return redirect(f"{tg.page_url}#{anchor}")
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
