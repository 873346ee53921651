"""The rules of a target group (a section of its page) and of a connection (a page of its own): listed with
their episodes, set up, tried on the recorded history, edited, switched off and deleted (PMs only).

Setting a rule up sends nothing: the beat evaluates it every minute and, when it fires, records its change
in the outbox as the PM who set it up, audited as the rule's.
"""

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects.models import Role, SupplierConnection, TargetGroup
from projects.permissions import pm_only
from studies.models import Study

from .forms import PresetForm, RuleForm, StudyRuleForm
from .models import Rule, RuleEpisode
from .presets import PRESETS
from .trying import Tried, try_on_history

PANEL = "rules/_rules_panel.html"
STUDY_PANEL = "rules/_study_rules.html"
EPISODES_SHOWN = 10


def _target_group(pk):
    return get_object_or_404(TargetGroup.objects.select_related("project__connection"), pk=pk)


def _connection(pk):
    return get_object_or_404(SupplierConnection, pk=pk)


def _listed(rules):
    latest = RuleEpisode.objects.select_related("target_group", "change").order_by("-opened_at", "-pk")
    return list(
        rules.select_related("created_by", "target_group", "connection").prefetch_related(
            Prefetch("episodes", queryset=latest, to_attr="all_episodes")
        )
    )


def form_class(study):
    return StudyRuleForm if study is not None else RuleForm


def rules_context(request, tg=None, connection=None, form=None, editing=None, tried=None, notice=None,
                  with_form=False, preset_form=None, study=None):  # fmt: skip
    """What the section draws: the rules of `tg` (and those of its connection that watch it), of `connection`
    or of `study`; each with its latest episodes; the form when asked for or coming back with errors."""
    if tg is not None:
        own = _listed(Rule.objects.filter(target_group=tg))
        inherited = _listed(Rule.objects.filter(connection=tg.project.connection_id))
    elif study is not None:
        own, inherited = _listed(Rule.objects.filter(study=study)), []
    else:
        own, inherited = _listed(Rule.objects.filter(connection=connection)), []
    for rule in own + inherited:
        episodes = [e for e in rule.all_episodes if tg is None or e.target_group_id == tg.pk]
        rule.shown_episodes = episodes[:EPISODES_SHOWN]
        for episode in rule.shown_episodes:
            episode.rule = rule  # its words read the rule's thresholds: no query each
    can_change = Role.can_change(request.user)
    if form is None and can_change and with_form:
        form = form_class(study)()
    return {
        "rules_tg": tg,
        "rules_connection": connection,
        "rules_study": study,
        "rules": own,
        "inherited_rules": inherited,
        "rule_form": form,
        "editing": editing,
        "tried": tried,
        "rules_notice": notice,
        "rules_can_change": can_change,
        "presets": PRESETS.values(),
        "preset_form": preset_form,
    }


def _panel(request, status=200, **context):
    if context.get("study") is not None:
        template = STUDY_PANEL if request.htmx else "rules/study_rules.html"
        return render(request, template, rules_context(request, **context), status=status)
    template = PANEL if request.htmx else "rules/rules.html"
    return render(request, template, rules_context(request, **context), status=status)


def _invalid(request):
    """Bad input comes back with the form: 200 for htmx to swap it in, 400 for a plain post."""
    if not request.htmx:
        messages.error(request, "Nothing was saved: correct the fields marked below.")
    return 200 if request.htmx else 400


def _scope(rule):
    if rule.study_id:
        return {"study": rule.study}
    return {"tg": rule.target_group} if rule.target_group_id else {"connection": rule.connection}


def _back(request, text, **scope):
    if not request.htmx:
        messages.success(request, text)
        tg, connection, study = scope.get("tg"), scope.get("connection"), scope.get("study")
        if study is not None:
            return redirect(reverse("rules:study", args=[study.pk]))
        if tg is not None:
            return redirect(reverse("quotas:section", args=[tg.pk, "rules"]))
        return redirect(reverse("rules:connection", args=[connection.pk]))
    return _panel(request, notice=text, **scope)


@require_GET
def tg_rules(request, pk):
    """The section alone (a page of its own without JavaScript); ``?form=1`` with the form."""
    return _panel(request, tg=_target_group(pk), with_form=request.GET.get("form") == "1")


@require_GET
def connection_rules(request, pk):
    return _panel(request, connection=_connection(pk), with_form=request.GET.get("form") == "1")


def _save(request, form, scope, rule=None):
    """Validate, try on history when asked (nothing saved), else save; bad input comes back as typed."""
    if not form.is_valid():
        return _panel(request, status=_invalid(request), form=form, editing=rule, **scope)
    if "try" in request.POST:
        tg = scope.get("tg")
        candidate = form.save(commit=False)
        if scope.get("study") is not None:
            tried = Tried([], None, None, "A study's combined figures are not recorded over time, so its rules "
                          "cannot be tried on history.")  # fmt: skip
        elif tg is None:
            tried = Tried([], None, None, "A connection's rule is tried on each target group's own page.")
        else:
            tried = try_on_history(candidate, tg)
        return _panel(request, form=form, editing=rule, tried=tried, **scope)
    saved = form.save(commit=False)
    if rule is None:
        saved.target_group, saved.connection = scope.get("tg"), scope.get("connection")
        saved.study = scope.get("study")
        saved.created_by = request.user
    saved.save()
    return _back(request, f"Saved: rule ‘{saved.name}’, {saved.hysteresis}.", **scope)


@require_POST
@pm_only
def create_on_tg(request, pk):
    return _save(request, RuleForm(request.POST), {"tg": _target_group(pk)})


@require_POST
@pm_only
def create_on_connection(request, pk):
    return _save(request, RuleForm(request.POST), {"connection": _connection(pk)})


@require_GET
def study_rules(request, pk):
    """A study's rules: its section for htmx, a page of its own without JavaScript; ``?form=1`` with the form."""
    study = get_object_or_404(Study, pk=pk)
    return _panel(request, study=study, with_form=request.GET.get("form") == "1")


@require_POST
@pm_only
def create_on_study(request, pk):
    return _save(request, StudyRuleForm(request.POST), {"study": get_object_or_404(Study, pk=pk)})


def _preset(request, scope):
    form = PresetForm(request.POST)
    if not form.is_valid():
        return _panel(request, status=_invalid(request), preset_form=form, **scope)
    preset = form.cleaned_data["preset_obj"]
    rule = preset.rule(
        target_group=scope.get("tg"), connection=scope.get("connection"), by=request.user,
        threshold=form.cleaned_data.get("threshold"),
    )  # fmt: skip
    rule.save()
    return _back(request, f"Switched on: ‘{rule.name}’, {rule.hysteresis}.", **scope)


@require_POST
@pm_only
def preset_on_tg(request, pk):
    return _preset(request, {"tg": _target_group(pk)})


@require_POST
@pm_only
def preset_on_connection(request, pk):
    return _preset(request, {"connection": _connection(pk)})


@require_http_methods(["GET", "POST"])
def edit(request, pk):
    rule = get_object_or_404(
        Rule.objects.select_related("target_group__project__connection", "connection", "study"), pk=pk
    )
    scope = _scope(rule)
    form = form_class(rule.study)
    if request.method == "GET":
        return _panel(request, form=form(instance=rule) if Role.can_change(request.user) else None,
                      editing=rule, **scope)  # fmt: skip
    return pm_only(lambda request: _save(request, form(request.POST, instance=rule), scope, rule))(request)


@require_POST
@pm_only
def switch(request, pk):
    """Switch a rule off, or on again. Switched back on, it starts a new episode only once its condition
    clears: an episode still open stays open."""
    rule = get_object_or_404(Rule.objects.select_related("target_group", "connection", "study"), pk=pk)
    rule.enabled = not rule.enabled
    rule.save(update_fields=["enabled", "updated_at"])
    return _back(request, f"Rule ‘{rule.name}’ is {'on' if rule.enabled else 'off'}.", **_scope(rule))


@require_POST
@pm_only
def delete(request, pk):
    rule = get_object_or_404(Rule.objects.select_related("target_group", "connection", "study"), pk=pk)
    scope = _scope(rule)
    rule.delete()
    return _back(request, f"Deleted: rule ‘{rule.name}’ (the changes it asked for stay in the changes sent).",
                 **scope)  # fmt: skip
