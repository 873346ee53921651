from django.shortcuts import get_object_or_404, render

from projects.models import TargetGroup


def target_group(request, pk):
    tg = get_object_or_404(TargetGroup.objects.select_related("project"), pk=pk)
    return render(request, "quotas/target_group.html", {"tg": tg})
