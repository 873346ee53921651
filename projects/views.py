from django.db.models import Count, F, Max, Q, Sum
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from sync.models import SyncRun

from . import listing
from .attention import active_or_troubled, with_attention_rank
from .forms import DashboardFilterForm, SupplierFilterForm, TargetGroupFilterForm
from .models import Project, TargetGroup
from .permissions import NotOffered
from .queries import FINISHED_STATUSES, alerts_for, with_alerts


def _with_totals(projects, live=False):
    """Projects annotated with their target groups' count and completes / goal (and how many are live)."""
    totals = {
        "tg_count": Count("target_groups"),
        "completes": Sum("target_groups__current_completes"),
        "goal": Sum("target_groups__filling_goal"),
    }
    if live:
        totals["live_count"] = Count("target_groups", filter=Q(target_groups__status=TargetGroup.Status.LIVE))
    return projects.annotate(**totals).select_related("connection")


def _page_of_projects(projects, number, live=False):
    return listing.page_of(projects.order_by("name", "pk"), _with_totals(Project.objects.all(), live), number)


def _with_alerts_words(page):
    for tg in page.object_list:
        tg.alerts = alerts_for(tg)
    return page


@require_GET
def dashboard(request):
    """Active target groups across projects and suppliers (and drafts whose launch or change failed), those
    that need attention first (unless the PM sorts them), a page at a time; the recently completed ones, and
    the projects; all searchable by name or id and filtered by supplier, status and attention."""
    filters = DashboardFilterForm(request.GET or None)
    q, sort_by = request.GET.get("q", "").strip()[:100], request.GET.get("sort", "")
    target_groups = TargetGroup.objects.filter(vanished_at__isnull=True)
    projects = Project.objects.all()
    if filters.is_valid() and filters.cleaned_data["supplier"]:
        target_groups = target_groups.filter(project__connection__kind=filters.cleaned_data["supplier"])
        projects = projects.filter(connection__kind=filters.cleaned_data["supplier"])
    target_groups = listing.search(target_groups, q)
    active = with_attention_rank(active_or_troubled(target_groups.exclude(status__in=FINISHED_STATUSES)))
    if filters.is_valid():
        active = filters.filter(active)
    counts = active.aggregate(total=Count("pk"), attention=Count("pk", filter=Q(attention_rank=0)))
    rows = with_alerts(TargetGroup.objects.select_related("project__connection", "figures"))
    ordered = listing.sort(active, sort_by, default="attention")
    page = listing.page_of(ordered, rows, request.GET.get("page"), count=counts["total"])
    completed = (
        target_groups.filter(status__in=FINISHED_STATUSES)
        .select_related("project__connection")
        .order_by(F("remote_updated_at").desc(nulls_last=True), "-pk")[: listing.RECENTLY_COMPLETED_SHOWN]
    )
    if q:
        projects = projects.filter(Q(name__icontains=q) | Q(human_readable_id__icontains=q) | Q(remote_id__icontains=q))
    context = {
        "target_groups": _with_alerts_words(page).object_list,
        "page": page,
        "attention": counts["attention"],
        "completed": list(completed),
        "projects_page": _page_of_projects(projects, request.GET.get("projects_page"), live=True),
        "suppliers": filters,
        "q": q,
        "sort": sort_by,
        "listed": active,  # the spend totals above the table (costs' `spend_totals` tag): one aggregate query
    }
    context["projects"] = context["projects_page"].object_list
    partial = request.htmx and not request.htmx.history_restore_request  # live search: the results only
    if not partial:
        # A large account's first sync takes a while: what it has read is listed already; say how far it is.
        context["first_syncs"] = SyncRun.objects.filter(
            target_group=None, finished_at__isnull=True, connection__last_synced_at__isnull=True
        ).select_related("connection")
    return render(request, "projects/_dashboard_results.html" if partial else "projects/dashboard.html", context)


@require_GET
def project_list(request):
    suppliers = SupplierFilterForm(request.GET or None)
    projects = Project.objects.all()
    if suppliers.is_valid() and suppliers.cleaned_data["supplier"]:
        projects = projects.filter(connection__kind=suppliers.cleaned_data["supplier"])
    page = _page_of_projects(projects, request.GET.get("page"))
    context = {"projects": page.object_list, "projects_page": page, "suppliers": suppliers}
    return render(request, "projects/project_list.html", context)


@require_GET
def project_detail(request, pk):
    """A project's target groups, a page at a time: searched, filtered and sorted in the database."""
    project = get_object_or_404(Project.objects.select_related("connection"), pk=pk)
    form = TargetGroupFilterForm(request.GET or None, project=project)
    target_groups = project.target_groups.all()
    if form.is_valid():
        target_groups = form.filter(target_groups)
    sort_by = request.GET.get("sort", "")
    if listing.parse_sort(sort_by)[0] == "attention":
        target_groups = with_attention_rank(target_groups)
    rows = with_alerts(project.target_groups.select_related("figures"))
    rows = rows.annotate(last_change_at=Max("changes__created_at"))
    page = listing.page_of(listing.sort(target_groups, sort_by, default="project"), rows, request.GET.get("page"))
    partial = request.htmx and not request.htmx.history_restore_request  # back button: the whole page
    template = "projects/_target_group_table.html" if partial else "projects/project_detail.html"
    context = {
        "project": project,
        "form": form,
        "target_groups": _with_alerts_words(page).object_list,
        "page": page,
        "sort": sort_by,
    }
    return render(request, template, context)


def page_not_found(request, exception):
    """404 in the layout; a page the supplier cannot serve says why (`NotOffered`), anything else in general words."""
    message = str(exception) if isinstance(exception, NotOffered) else ""
    return render(request, "404.html", {"message": message}, status=404)
