"""What a new user runs first on a fresh clone works without `make` having made anything."""

from tests.fresh_clone import fresh_clone, run

# Any test that needs the database will do.
A_DATABASE_TEST = "projects/tests/test_finding.py::test_the_dashboard_finds_a_target_group_by_name_without_javascript"


def test_a_bare_pytest_on_a_fresh_clone_runs_the_database_tests(tmp_path):
    clone = fresh_clone(tmp_path / "clone")

    result = run(clone, "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", A_DATABASE_TEST)

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout


def test_a_fresh_clone_queues_a_task_before_anything_made_the_broker_folders(tmp_path):
    clone = fresh_clone(tmp_path / "clone")
    send = "from sync.tasks import recover_stuck_changes; recover_stuck_changes.delay(); print('queued')"

    result = run(clone, "python", "manage.py", "shell", "-c", send)

    assert result.returncode == 0, result.stderr[-3000:]
    assert "queued" in result.stdout
    # the task waits in the embedded broker's folder for a worker
    assert len(list((clone / "var" / "broker" / "out").iterdir())) == 1
