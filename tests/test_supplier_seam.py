"""The supplier seam holds: Cint's wire shapes stay behind its adapter, and a change the
connection's supplier cannot take is refused in words before anything is recorded."""

import ast
from pathlib import Path

import pytest
from django.urls import reverse

from projects.models import SupplierKind
from projects.tests.factories import ConnectionFactory, TargetGroupFactory
from quotas.models import Profile
from quotas.tests.factories import ProfileFactory, QuotaFactory
from suppliers.adapter import Capabilities, InterlockLimits, SupplierAdapter, Unsupported
from suppliers.registry import ADAPTERS
from sync.intents import request_change
from sync.models import RemoteChange

ROOT = Path(__file__).resolve().parent.parent
APPS = ("config", "projects", "quotas", "fielding", "reconciliations", "studies", "sync", "suppliers", "sandbox")
# Where the Cint client and its errors may be imported: its own package and the sandbox's Cint part.
CINT_HOMES = ("suppliers/cint/", "sandbox/cint/")


def modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/tests/" in relative or "/migrations/" in relative:
                continue
            yield relative, ast.parse(path.read_text(), filename=relative)


def imported(tree):
    """Every module name an `import` or `from … import` statement names (relative ones left out)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def test_nothing_outside_the_cint_package_imports_the_cint_client_or_its_errors():
    offenders = []
    for relative, tree in modules():
        if relative.startswith(CINT_HOMES):
            continue
        for name in imported(tree):
            if not (name == "suppliers.cint" or name.startswith("suppliers.cint.")):
                continue
            # The registry names each supplier's adapter (and nothing else of its package).
            if relative == "suppliers/registry.py" and name.startswith("suppliers.cint.adapter"):
                continue
            offenders.append(f"{relative}: {name}")
    assert offenders == []


def test_the_walk_finds_imports_where_they_are():
    tree = ast.parse("from suppliers.cint import errors\nimport suppliers.cint.client\n")
    assert {"suppliers.cint", "suppliers.cint.errors", "suppliers.cint.client"} <= set(imported(tree))


def test_the_supplier_packages_need_no_django():
    offenders = [
        f"{relative}: {name}"
        for relative, tree in modules()
        if relative.startswith("suppliers/")
        for name in imported(tree)
        if name == "django" or name.startswith("django.")
    ]
    assert offenders == []


# --- refusing what a supplier cannot take ---------------------------------------------------------


class CountsOnly(SupplierAdapter):
    """A supplier that shows quotas and takes goals, but has no quota switch and no interlocks."""

    kind = "purespectrum"
    label = "Counts only"
    capabilities = Capabilities(quota_goals=True)


@pytest.fixture
def counts_only(monkeypatch):
    monkeypatch.setitem(ADAPTERS, CountsOnly.kind, CountsOnly)
    return CountsOnly


@pytest.fixture
def other_tg(db):
    tg = TargetGroupFactory(project__connection=ConnectionFactory(kind=SupplierKind.PURESPECTRUM, account_id="77"))
    age = ProfileFactory(target_group=tg, remote_id="AGE", name="AGE")
    QuotaFactory(profile=age, remote_id="Q1", text="18-24", completes_goal=50)
    ProfileFactory(target_group=tg, remote_id="GENDER", name="GENDER")
    return tg


def ask(kind, tg, **options):
    return request_change(kind, connection=tg.project.connection, target_group=tg, **options)


def test_a_kind_without_an_adapter_is_refused_in_words_and_nothing_is_recorded(monkeypatch, other_tg):
    monkeypatch.delitem(ADAPTERS, SupplierKind.PURESPECTRUM, raising=False)
    age = Profile.objects.get(target_group=other_tg, name="AGE")

    with pytest.raises(Unsupported) as refused:
        ask("disable_quotas", other_tg, profile=age)

    assert "cannot send changes to PureSpectrum" in str(refused.value)
    assert not RemoteChange.objects.exists()
    age.refresh_from_db()
    assert age.quotas_enabled is True  # no intent shown either


def test_a_change_without_the_capability_is_refused_in_words_and_nothing_is_recorded(counts_only, other_tg):
    age = Profile.objects.get(target_group=other_tg, name="AGE")

    with pytest.raises(Unsupported) as refused:
        ask("disable_quotas", other_tg, profile=age)
    with pytest.raises(Unsupported):
        ask("create_interlock", other_tg, payload={"profile_ids": ["AGE", "GENDER"], "target_group_filling_goal": 9})

    assert "does not offer this change (disable quotas)" in str(refused.value)
    assert not RemoteChange.objects.exists()
    age.refresh_from_db()
    assert age.quotas_enabled is True
    # What it can take is recorded as usual.
    assert ask("set_quota_goals", other_tg, payload={"goals": {"Q1": 60}}).state == RemoteChange.State.PENDING


def test_interlocks_beyond_the_suppliers_limits_are_refused_before_anything_is_recorded(monkeypatch, other_tg):
    class FewCells(CountsOnly):
        capabilities = Capabilities(
            interlocks=InterlockLimits(max_members=4, max_cells=3, member_word="qualifications")
        )

    monkeypatch.setitem(ADAPTERS, FewCells.kind, FewCells)
    Profile.objects.filter(target_group=other_tg).update(conditions=[{"id": "a"}, {"id": "b"}])

    with pytest.raises(Unsupported) as refused:
        ask("create_interlock", other_tg, payload={"profile_ids": ["AGE", "GENDER"], "target_group_filling_goal": 9})

    assert "would make 4 combinations" in str(refused.value) and "at most 3" in str(refused.value)
    assert not RemoteChange.objects.exists()


def test_the_cockpit_offers_only_what_the_supplier_can_do(client, pm, counts_only, other_tg):
    client.force_login(pm)
    age = Profile.objects.get(target_group=other_tg, name="AGE")

    html = client.get(other_tg.get_absolute_url()).content.decode()

    assert reverse("quotas:toggle_quotas", args=[other_tg.pk, age.pk]) not in html  # no quota switch
    assert 'id="interlock-form"' not in html  # no interlocks
    assert 'id="filling-goal-form"' not in html  # no filling goal verb
    assert 'id="fielding-panel"' not in html  # Cint's fielding runs
    assert 'id="grid-edit"' in html  # but quota goals, yes: the grid's edit mode has a field for each
    edit = client.get(reverse("quotas:grid", args=[other_tg.pk]), headers={"HX-Request": "true"}).content.decode()
    assert f'name="goal-quota-{age.quotas.get().pk}"' in edit and 'name="target-' not in edit  # no current targets


def test_a_crafted_post_the_supplier_cannot_take_is_answered_in_words(client, pm, counts_only, other_tg):
    client.force_login(pm)
    age = Profile.objects.get(target_group=other_tg, name="AGE")
    url = reverse("quotas:toggle_quotas", args=[other_tg.pk, age.pk])

    answer = client.post(url, {"enabled": "off"}, headers={"HX-Request": "true"})
    plain = client.post(url, {"enabled": "off"}, follow=True)

    assert answer.status_code == 200 and answer["HX-Reswap"] == "none"
    assert "does not offer this change" in answer.content.decode()
    assert "does not offer this change" in plain.content.decode()
    assert not RemoteChange.objects.exists()


@pytest.mark.parametrize("status", ["completed", "closed", "archived"])
def test_a_finished_target_group_takes_no_quota_or_goal_change_even_by_a_crafted_post(client, pm, status):
    tg = TargetGroupFactory(status=status, filling_goal=300)
    age = ProfileFactory(target_group=tg, name="AGE")
    client.force_login(pm)

    toggled = client.post(reverse("quotas:toggle_quotas", args=[tg.pk, age.pk]), {"enabled": "off"}, follow=True)
    goal = client.post(reverse("quotas:filling_goal", args=[tg.pk]), {"filling_goal": "400"}, follow=True)

    for answer in (toggled, goal):
        assert "nothing fills any more, so nothing was sent" in answer.content.decode()
    assert not RemoteChange.objects.exists()
    age.refresh_from_db()
    tg.refresh_from_db()
    assert age.quotas_enabled is True and tg.filling_goal == 300
