"""Paginated lists follow the supplier's cursor until it says there is no more."""

from urllib.parse import parse_qs, urlsplit

from .fake_cint import BASE_URL, PROJECT_ID, api_calls

PROJECTS_URL = f"{BASE_URL}/demand/accounts/1001/projects"


def query(call):
    return parse_qs(urlsplit(call.request.url).query)


def test_cursor_is_followed_across_three_pages(wire, token_endpoint, client):
    wire.get(PROJECTS_URL, json={"projects": [{"id": "p1"}, {"id": "p2"}], "has_more": True, "next_cursor": "c1"})
    wire.get(PROJECTS_URL, json={"projects": [{"id": "p3"}], "has_more": True, "next_cursor": "c2"})
    wire.get(PROJECTS_URL, json={"projects": [{"id": "p4"}], "has_more": False, "next_cursor": None})

    projects = list(client.iter_projects(status="active", page_size=2))

    assert [project["id"] for project in projects] == ["p1", "p2", "p3", "p4"]
    queries = [query(call) for call in api_calls(wire)]
    assert [q.get("start_after") for q in queries] == [None, ["c1"], ["c2"]]
    assert all(q["page_size"] == ["2"] and q["status"] == ["active"] for q in queries)
    assert client.request_count == 3


def test_list_without_has_more_stops_at_an_empty_cursor(wire, token_endpoint, client):
    url = f"{PROJECTS_URL}/{PROJECT_ID}/target-groups/01JN1FTC33C5QRW2S7X09V5RFC/changelog"
    wire.get(url, json={"changelog": [{"id": 1}], "next_cursor": "u1"})
    wire.get(url, json={"changelog": [{"id": 2}], "next_cursor": ""})

    entries = list(client.iter_changelog(PROJECT_ID, "01JN1FTC33C5QRW2S7X09V5RFC"))

    assert entries == [{"id": 1}, {"id": 2}]
    assert len(api_calls(wire)) == 2


def test_list_with_has_more_but_no_cursor_continues_after_the_last_id(wire, token_endpoint, client):
    url = f"{BASE_URL}/accounts/1001/webhooks"
    wire.get(url, json={"webhooks": [{"id": "w1"}, {"id": "w2"}], "has_more": True})
    wire.get(url, json={"webhooks": [{"id": "w3"}], "has_more": False})

    assert [hook["id"] for hook in client.iter_webhooks(page_size=2)] == ["w1", "w2", "w3"]
    assert query(api_calls(wire)[1])["start_after"] == ["w2"]


def test_a_repeated_cursor_ends_the_list(wire, token_endpoint, client):
    wire.get(PROJECTS_URL, json={"projects": [{"id": "p1"}], "has_more": True, "next_cursor": "same"})

    assert len(list(client.iter_projects())) == 2  # the page after "same" pointed back to "same"
    assert len(api_calls(wire)) == 2


def test_questions_page_after_the_highest_id(wire, token_endpoint, client):
    url = f"{BASE_URL}/demand/questions"
    wire.get(url, json={"questions": [{"id": 42}, {"id": 43}], "pages": 2})
    wire.get(url, json={"questions": [{"id": 50}], "pages": 2})

    ids = [question["id"] for question in client.iter_questions("eng_us", page_size=2)]

    assert ids == [42, 43, 50]
    first, second = (query(call) for call in api_calls(wire))
    assert first == {"account_id": ["1001"], "locale": ["eng_us"], "page_size": ["2"]}
    assert second["start_after"] == ["43"]


def test_pages_are_fetched_lazily(wire, token_endpoint, client):
    wire.get(PROJECTS_URL, json={"projects": [{"id": "p1"}], "has_more": True, "next_cursor": "c1"})

    projects = client.iter_projects()
    assert api_calls(wire) == []
    assert next(projects) == {"id": "p1"}
    assert len(api_calls(wire)) == 1


def test_filters_with_several_values_and_booleans(wire, token_endpoint, client):
    wire.get(f"{PROJECTS_URL}/{PROJECT_ID}/target-groups", json={"target_groups": [], "has_more": False})

    list(client.iter_target_groups(PROJECT_ID, status=["live", "paused"], country=["us"], exclusion_status=False))

    assert query(api_calls(wire)[0]) == {
        "status": ["live", "paused"],
        "country": ["us"],
        "exclusion_status": ["false"],
        "page_size": ["100"],
    }
