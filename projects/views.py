from django.db.models import Count, F, Max, Q, Sum
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from . import listing
from .forms import SupplierFilterForm, TargetGroupFilterForm
from .models import Project, TargetGroup
from .permissions import NotOffered
from .queries import ACTIVE_STATUSES, FINISHED_STATUSES, alerts_for, with_alerts


@require_GET
def dashboard(request):
    """Active target groups across projects and suppliers (and drafts whose launch or change failed), those
    that need attention first (unless the PM sorts them), the recently completed ones, and the projects;
    all searchable by name or id."""
    suppliers = SupplierFilterForm(request.GET or None)
    q, sort_by = request.GET.get("q", "").strip()[:100], request.GET.get("sort", "")
    target_groups = TargetGroup.objects.filter(vanished_at__isnull=True).select_related("project__connection")
    projects = Project.objects.all()
    if suppliers.is_valid() and suppliers.cleaned_data["supplier"]:
        target_groups = target_groups.filter(project__connection__kind=suppliers.cleaned_data["supplier"])
        projects = projects.filter(connection__kind=suppliers.cleaned_data["supplier"])
    target_groups = listing.search(target_groups, q)
    # Live, paused and scheduled ones, and a draft whose launch or change failed lately (acting helps there too).
    active = (
        with_alerts(target_groups.exclude(status__in=FINISHED_STATUSES))
        .filter(Q(status__in=ACTIVE_STATUSES) | Q(troubled_changes__gt=0) | Q(last_job_status="Failed"))
        .order_by("project__name", "name")
    )
    active = list(listing.sort(active, sort_by))
    for tg in active:
        tg.alerts = alerts_for(tg)
    if listing.parse_sort(sort_by)[0] is None:
        active.sort(key=lambda tg: not tg.alerts)
    completed = target_groups.filter(status__in=FINISHED_STATUSES).order_by(
        F("remote_updated_at").desc(nulls_last=True), "-pk"
    )[: listing.RECENTLY_COMPLETED_SHOWN]
    if q:
        projects = projects.filter(Q(name__icontains=q) | Q(human_readable_id__icontains=q) | Q(remote_id__icontains=q))
    projects = projects.annotate(
        tg_count=Count("target_groups"),
        live_count=Count("target_groups", filter=Q(target_groups__status=TargetGroup.Status.LIVE)),
        completes=Sum("target_groups__current_completes"),
        goal=Sum("target_groups__filling_goal"),
    ).select_related("connection")
    context = {
        "target_groups": active,
        "attention": sum(1 for tg in active if tg.alerts),
        "completed": list(completed),
        "projects": projects,
        "suppliers": suppliers,
        "q": q,
        "sort": sort_by,
    }
    partial = request.htmx and not request.htmx.history_restore_request  # live search: the results only
    return render(request, "projects/_dashboard_results.html" if partial else "projects/dashboard.html", context)


@require_GET
def project_list(request):
    suppliers = SupplierFilterForm(request.GET or None)
    projects = Project.objects.all()
    if suppliers.is_valid() and suppliers.cleaned_data["supplier"]:
        projects = projects.filter(connection__kind=suppliers.cleaned_data["supplier"])
    projects = projects.annotate(
        tg_count=Count("target_groups"),
        completes=Sum("target_groups__current_completes"),
        goal=Sum("target_groups__filling_goal"),
    ).select_related("connection")
    return render(request, "projects/project_list.html", {"projects": projects, "suppliers": suppliers})


@require_GET
def project_detail(request, pk):
    project = get_object_or_404(Project.objects.select_related("connection"), pk=pk)
    form = TargetGroupFilterForm(request.GET or None, project=project)
    target_groups = with_alerts(project.target_groups.all()).annotate(last_change_at=Max("changes__created_at"))
    if form.is_valid():
        target_groups = form.filter(target_groups)
    sort_by = request.GET.get("sort", "")
    target_groups = list(listing.sort(target_groups, sort_by))
    for tg in target_groups:
        tg.alerts = alerts_for(tg)
    partial = request.htmx and not request.htmx.history_restore_request  # back button: the whole page
    template = "projects/_target_group_table.html" if partial else "projects/project_detail.html"
    context = {"project": project, "form": form, "target_groups": target_groups, "sort": sort_by}
    return render(request, template, context)


def page_not_found(request, exception):
    """404 in the layout; a page the supplier cannot serve says why (`NotOffered`), anything else in general words."""
    message = str(exception) if isinstance(exception, NotOffered) else ""
    return render(request, "404.html", {"message": message}, status=404)
