"""The draft form's exclusions picker in its page: what it shows, and its Search button without JavaScript."""

from django.contrib import messages
from django.shortcuts import render

from . import exclusions


def searching(request):
    """The draft form's Search button for exclusions, pressed without JavaScript."""
    return request.method == "POST" and "exclusion_search" in request.POST


def chosen_and_found(form, project, tg=None, query=""):
    """The picker of the draft `form`: the exclusions it shows as chosen, and the matches of `query`."""
    return exclusions.picker(project, tg, form.excluded_now(), query)


def search_again(request, context):
    """The form as typed, not checked and not saved, with the exclusions' search done. With nothing to search
    (Enter pressed in another field, which presses the form's first button: Search), it says the draft is not
    saved yet."""
    form, tg = context["form"].shown_unchecked(), context["tg"]
    query = request.POST.get("exclusion_q", "").strip()
    if not query:
        save = "Save draft" if tg is not None else "Create draft"
        messages.info(request, f"Nothing was saved yet: press “{save}” at the bottom of the form when it is ready.")
    context["exclusions"] = chosen_and_found(form, context["project"], tg, query)
    return render(request, "fielding/drafts/draft_form.html", context)
