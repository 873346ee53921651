"""A target group's cost panel and its budget, a project's budget. Budgets are the cockpit's own: setting
one sends nothing to the supplier, so it is saved at once; only project managers may."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from projects.models import Project, Role, TargetGroup
from projects.permissions import pm_only

from .forms import BudgetForm, ProjectBudgetForm
from .models import ProjectBudget, TargetGroupBudget
from .summary import project_cost, target_group_cost


def _target_group(pk):
    return get_object_or_404(TargetGroup.objects.select_related("project__connection"), pk=pk)


def cost_context(tg, user, budget_form=None, notice=None):
    """What the cost panel draws (`costs/_cost_panel.html`)."""
    cost = target_group_cost(tg)
    if budget_form is None:
        budget_form = BudgetForm(initial={"amount": cost.budget}, currency=cost.currency)
    return {
        "tg": tg,
        "cost": cost,
        "budget_form": budget_form,
        "budget_can_change": Role.can_change(user),
        "cost_notice": notice,
    }


def _panel(request, tg, status=200, **extra):
    template = "costs/_cost_panel.html" if request.htmx else "costs/cost.html"
    return render(request, template, cost_context(tg, request.user, **extra), status=status)


@require_GET
def cost(request, pk):
    """The cost panel alone (on a page of its own without JavaScript)."""
    return _panel(request, _target_group(pk))


@require_POST
@pm_only
def set_budget(request, pk):
    """Set, change or remove (empty) a target group's budget. Bad input comes back next to the field, as
    typed, and the stored budget stays."""
    tg = _target_group(pk)
    form = BudgetForm(request.POST, currency=tg.cpi_currency)
    if not form.is_valid():
        if not request.htmx:
            messages.error(request, "The budget was not changed: correct the field marked below.")
        return _panel(request, tg, status=200 if request.htmx else 400, budget_form=form)
    amount = form.cleaned_data["amount"]
    if amount is None:
        TargetGroupBudget.objects.filter(target_group=tg).delete()
        text = "The budget is removed."
    else:
        TargetGroupBudget.objects.update_or_create(target_group=tg, defaults={"amount": amount})
        text = f"The budget is {amount:,.2f} {tg.cpi_currency}.".replace("  ", " ")
    if not request.htmx:
        messages.success(request, text)
        return redirect(tg)
    return _panel(request, tg, notice=text)


def project_cost_context(project, user, budget_form=None, notice=None):
    """What the project's cost block draws (`costs/_project_cost.html`)."""
    cost = project_cost(project)
    if budget_form is None:
        budget = cost["budget"]
        currencies = [row["currency"] for row in cost["by_currency"]]
        initial = {
            "amount": budget.amount if budget else None,
            "currency": budget.currency if budget else (currencies[0] if len(currencies) == 1 else ""),
        }
        budget_form = ProjectBudgetForm(initial=initial)
    return {
        "project": project,
        "project_cost": cost,
        "project_budget_form": budget_form,
        "budget_can_change": Role.can_change(user),
        "cost_notice": notice,
    }


@require_POST
@pm_only
def set_project_budget(request, pk):
    project = get_object_or_404(Project, pk=pk)
    form = ProjectBudgetForm(request.POST)
    if not form.is_valid():
        if not request.htmx:
            messages.error(request, "The project's budget was not changed: correct the field marked below.")
            context = project_cost_context(project, request.user, form)
            return render(request, "costs/project_budget.html", context, status=400)
        return render(request, "costs/_project_cost.html", project_cost_context(project, request.user, form))
    amount, currency = form.cleaned_data["amount"], form.cleaned_data["currency"]
    if amount is None:
        ProjectBudget.objects.filter(project=project).delete()
        text = "The project's budget is removed."
    else:
        ProjectBudget.objects.update_or_create(project=project, defaults={"amount": amount, "currency": currency})
        text = f"The project's budget is {amount:,.2f} {currency}."
    if not request.htmx:
        messages.success(request, text)
        return redirect(project)
    return render(request, "costs/_project_cost.html", project_cost_context(project, request.user, notice=text))
