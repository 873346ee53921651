"""ETags and If-Match: stale versions are refused with 412, fresh ones accepted."""

from sandbox.faults import override_faults
from sandbox.models import TargetGroup

from .conftest import tg_url, v2_url


def _etag(api, path):
    response = api.get(path)
    assert response.status_code == 200
    return response["ETag"]


def test_target_group_reads_share_one_etag(api, project_id, live_id):
    etags = {_etag(api, tg_url(project_id, live_id, rest)) for rest in ("/details", "/overview")}
    etags.add(_etag(api, v2_url(project_id, live_id)))
    assert len(etags) == 1
    assert etags.pop().startswith('W/"')


def test_draft_get_has_the_etag_and_a_launched_one_redirects_to_details(api, project_id, draft_id, live_id):
    response = api.get(tg_url(project_id, live_id))
    assert response.status_code == 301
    assert response["Location"].endswith(f"/target-groups/{live_id}/details")


def test_stale_if_match_is_412_with_the_contract_body(api, project_id, live_id):
    profiles = api.get(v2_url(project_id, live_id)).json()["data"]
    old = _etag(api, tg_url(project_id, live_id, "/details"))
    assert (
        api.post(
            v2_url(project_id, live_id, f"/{profiles[1]['id']}/disable-quotas"), headers={"If-Match": old}
        ).status_code
        == 200
    )
    response = api.post(v2_url(project_id, live_id, f"/{profiles[1]['id']}/enable-quotas"), headers={"If-Match": old})
    assert response.status_code == 412
    body = response.json()
    assert body["object"] == "precondition_failed_error"
    assert "ETag" in body["detail"]
    assert api.get(v2_url(project_id, live_id)).json()["data"][1]["quotas_enabled"] is False


def test_every_change_bumps_the_etag_and_absent_if_match_is_accepted(api, project_id, live_id):
    before = _etag(api, tg_url(project_id, live_id, "/details"))
    response = api.put(tg_url(project_id, live_id, "/filling-strategy"), {"filling_strategy": "prescreens"})
    assert response.status_code == 200
    after = _etag(api, tg_url(project_id, live_id, "/details"))
    assert after != before
    assert response["ETag"] == after


def test_stale_etag_fault_refuses_and_bumps_so_a_reread_sees_a_new_etag(api, project_id, live_id):
    profiles = api.get(v2_url(project_id, live_id)).json()["data"]
    etag = _etag(api, tg_url(project_id, live_id, "/details"))
    path = v2_url(project_id, live_id, f"/{profiles[1]['id']}/disable-quotas")
    with override_faults(stale_etag_rate=1.0):
        response = api.post(path, headers={"If-Match": etag})
        assert response.status_code == 412
        assert response.json()["object"] == "precondition_failed_error"
        assert api.post(path).status_code == 200  # without If-Match the fault does not apply
    fresh = _etag(api, tg_url(project_id, live_id, "/details"))
    assert fresh != etag


def test_fielding_runs_have_their_own_version_and_etag(api, project_id, live_id):
    run = api.get(tg_url(project_id, live_id, "/fielding-runs")).json()["data"][0]
    response = api.get(tg_url(project_id, live_id, f"/fielding-runs/{run['id']}"))
    assert response["ETag"] == f'W/"{run["version"]}"'
    tg_version = TargetGroup.objects.get(pk=live_id).version
    assert response["ETag"] != f'W/"{tg_version}"' or run["version"] == tg_version
    stale = api.post(
        tg_url(project_id, live_id, f"/fielding-runs/{run['id']}/pause"),
        headers={"If-Match": f'W/"{run["version"] + 5}"'},
    )
    assert stale.status_code == 412
    ok = api.post(
        tg_url(project_id, live_id, f"/fielding-runs/{run['id']}/pause"), headers={"If-Match": response["ETag"]}
    )
    assert ok.status_code == 204
    assert ok["ETag"] == f'W/"{run["version"] + 1}"'


def test_project_update_takes_if_match(api, project_id, manager_id):
    from .conftest import new_key

    path = f"/demand/accounts/{{account}}/projects/{project_id}"
    etag = api.get(path)["ETag"]
    body = {"name": "Renamed project", "project_manager_id": manager_id}
    assert api.put(path, body, headers={"If-Match": etag, "idempotency-key": new_key()}).status_code == 200
    assert api.put(path, body, headers={"If-Match": etag, "idempotency-key": new_key()}).status_code == 412
