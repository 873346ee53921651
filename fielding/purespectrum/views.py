"""PureSpectrum's new-survey page: the form, then a draft whose create goes through the outbox."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from fielding import permissions
from fielding.drafts.body import is_created

from .forms import NewSurveyForm
from .surveys import request_new_survey


@require_http_methods(["GET", "POST"])
@permissions.pm_only
def ps_survey_create(request, project_pk):
    project = permissions.project(project_pk)
    if not project.connection.capabilities.survey_drafts or not is_created(project):
        messages.error(request, f"New surveys of {project.connection.get_kind_display()} are not made here.")
        return redirect(project)
    form = NewSurveyForm(request.POST or None, project=project, initial={"survey_localization": "en_US"})
    if request.method == "POST":
        if form.is_valid():
            tg, _change = request_new_survey(project, form.body(), by=request.user)
            messages.success(request, f"Survey “{tg.name}” saved as a draft; PureSpectrum is creating it.")
            return redirect(tg)
        messages.error(request, "The survey was not created: see the reasons next to the fields.")
        return render(request, "fielding/purespectrum/survey_form.html", {"form": form, "project": project}, status=400)
    return render(request, "fielding/purespectrum/survey_form.html", {"form": form, "project": project})
