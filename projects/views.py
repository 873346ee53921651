from django.db.models import Count, Max, Q, Sum
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .forms import SupplierFilterForm, TargetGroupFilterForm
from .models import Project, TargetGroup
from .queries import ACTIVE_STATUSES, alerts_for, with_alerts


@require_GET
def dashboard(request):
    """Active target groups across projects and suppliers, those that need attention first."""
    suppliers = SupplierFilterForm(request.GET or None)
    active = TargetGroup.objects.filter(status__in=ACTIVE_STATUSES, vanished_at__isnull=True)
    projects = Project.objects.all()
    if suppliers.is_valid() and suppliers.cleaned_data["supplier"]:
        active = active.filter(project__connection__kind=suppliers.cleaned_data["supplier"])
        projects = projects.filter(connection__kind=suppliers.cleaned_data["supplier"])
    target_groups = list(
        with_alerts(active).select_related("project__connection").order_by("project__name", "name")
    )
    for tg in target_groups:
        tg.alerts = alerts_for(tg)
    target_groups.sort(key=lambda tg: not tg.alerts)
    projects = projects.annotate(
        tg_count=Count("target_groups"),
        live_count=Count("target_groups", filter=Q(target_groups__status=TargetGroup.Status.LIVE)),
        completes=Sum("target_groups__current_completes"),
        goal=Sum("target_groups__filling_goal"),
    ).select_related("connection")
    return render(
        request,
        "projects/dashboard.html",
        {
            "target_groups": target_groups,
            "attention": sum(1 for tg in target_groups if tg.alerts),
            "projects": projects,
            "suppliers": suppliers,
        },
    )


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
    target_groups = list(target_groups)
    for tg in target_groups:
        tg.alerts = alerts_for(tg)
    partial = request.htmx and not request.htmx.history_restore_request  # back button: the whole page
    template = "projects/_target_group_table.html" if partial else "projects/project_detail.html"
    return render(request, template, {"project": project, "form": form, "target_groups": target_groups})
