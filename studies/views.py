"""The list of studies and a study's page. The page's sections are drawn by their own modules' views and
partials: the plan and mapping, the combined grid, plan changes and the guard's acts, the suggested split."""

from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import Study
from .steering import plan_context


@require_GET
def study_list(request):
    studies = Study.objects.annotate(target_groups=Count("attachments")).order_by("-created_at", "-id")
    page = Paginator(studies, 50).get_page(request.GET.get("page"))
    return render(request, "studies/study_list.html", {"studies": page.object_list, "studies_page": page})


@require_GET
def study_detail(request, pk):
    study = get_object_or_404(Study, pk=pk)
    attachments = study.attachments.select_related("target_group__project__connection")
    return render(request, "studies/study_detail.html", {"attachments": attachments, **plan_context(study)})
