"""A confirmation step before what cannot be undone (launch, complete, close, bulk launch).

The first POST of such an action sends nothing: it answers with what will happen and a real form
that posts the same values again with ``confirmed=1``. With htmx the box shows inside the panel the
action came from; without, on a page of its own. The view decides; this module only carries it.
"""

from dataclasses import dataclass, field

from django.shortcuts import render


@dataclass
class Confirmation:
    title: str  # "Complete fielding of “US adults”?"
    lines: list  # what will happen, one sentence a line
    action: str  # the URL the confirmed form posts to
    button: str  # "Yes, complete fielding"
    cancel: str  # where Cancel goes without htmx (the page)
    fields: list = field(default_factory=list)  # [(name, value)] posted again
    target: str = ""  # the htmx target the confirmed answer replaces ("#fielding-panel")
    cancel_get: str = ""  # what Cancel re-reads with htmx (the panel)
    danger: bool = True
    facts: list = field(default_factory=list)  # what is being sent, for a last look
    notes: list = field(default_factory=list)  # per item: [(name, "will be launched" / "skipped: …")]


def confirmed(request):
    return request.POST.get("confirmed") == "1"


def posted_fields(request, names):
    """The values of `names` as posted (a multiple choice keeps every value), to post again."""
    return [(name, value) for name in names for value in request.POST.getlist(name)]


def confirm_page(request, confirmation, *, back_title=""):
    """The confirmation on a page of its own (no JavaScript)."""
    return render(request, "fielding/confirm_page.html", {"confirm": confirmation, "back_title": back_title})
