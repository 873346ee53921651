"""The draft form's exclusions picker in its page: what it shows, and its Search button without JavaScript."""

from django.shortcuts import render

from . import exclusions


def searching(request):
    """The draft form's Search button for exclusions, pressed without JavaScript."""
    return request.method == "POST" and "exclusion_search" in request.POST


def chosen_and_found(form, project, tg=None, query=""):
    """The picker of the draft `form`: the exclusions it shows as chosen, and the matches of `query`."""
    return exclusions.picker(project, tg, form.excluded_now(), query)


def search_again(request, context):
    """The form as typed, not checked and not saved, with the exclusions' search done."""
    form, tg = context["form"].shown_unchecked(), context["tg"]
    context["exclusions"] = chosen_and_found(form, context["project"], tg, request.POST.get("exclusion_q", ""))
    return render(request, "fielding/drafts/draft_form.html", context)
