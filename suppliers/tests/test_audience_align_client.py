"""The Audience-Align client at the wire: every endpoint of seed 004 with the seed's own request and
answer bodies, the hash asked once per endpoint and kept, the headers the seed lists, and each kind
of refusal (HTTP status, error body, ``"status": false``, "no changes") read into the shared errors."""

import json

import pytest
import responses

from suppliers.audience_align import AudienceAlignClient, AudienceAlignTransport, MemoryCache
from suppliers.audience_align.adapter import AudienceAlignAdapter
from suppliers.errors import AuthFailed, NotFound, RateLimited, ServerError, ValidationFailed
from suppliers.records import TargetGroupRef

BASE = "https://api.audience-align.com/v1"
CLIENT_ID = "1tdWUlOYUdyedRUa"
KEY = "a2987fc7ac3df6b4a11f1e81efcb727a121"
HASH = "d098bc2734bea016f495e561d974007aecae6eb2b260321da424105b5a77bac7"
HASH_URL = f"{BASE}/endpoints/getHashData"
SURVEY = "SqoY6lyRbxIdGDoL"
FOUND = "Great news — we’ve found the data you were looking for."

# The seed's survey row (get_survey, create_survey's data).
SURVEY_ROW = {
    "project_id": SURVEY,
    "project_code": "ALGN4532",
    "project_name": "Test2 Project 08-08-25",
    "project_country": "229",
    "project_language": "5",
    "currency": "2",
    "loi": "10",
    "ir": "10",
    "status": "Inactive",
    "project_cpi": "20.00",
    "sample_size": "100",
    "complete_goal": "100",
    "complete_needed": "100",
    "project_start_date": "2025-09-25",
    "project_end_date": "2025-09-27",
    "progress": {"complete": 0, "survey_entrant": 0, "remaining": 100},
    "qualifications": [
        {
            "qualification_id": 43,
            "conditions": [
                {"condition_code": "1", "condition_name": "Male"},
                {"condition_code": "2", "condition_name": "Female"},
            ],
            "Name": "GENDER",
            "QuestionText": "Are you...?",
        }
    ],
    "quotas": [{"qualification_id": 43, "criteria": [{"required_count": 100, "condition_codes": "1"}]}],
}
INTERLOCKING = {
    "project_id": "oE40ydzSJHElV35Y",
    "combinations": [
        {"id": "Aud06888d1662ab50", "option": "Male,20-24", "quota": "21"},
        {"id": "Aud16888d1662ab5a", "option": "Male,25-30", "quota": "50"},
        {"id": "Aud26888d1662ab5b", "option": "Female,20-24", "quota": "50"},
        {"id": "Aud36888d1662ab5c", "option": "Female,25-30", "quota": "5"},
    ],
    "qualifications": [
        {"id": "2", "title": "GENDER", "options": "Male,Female"},
        {"id": "1", "title": "AGE", "options": "20-24,25-30"},
    ],
    "created_date": "2025-07-29 19:05:49",
    "updated_date": "2025-07-29 19:19:26",
}


@pytest.fixture
def wire():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(HASH_URL, body=HASH, content_type="text/plain")
        yield mock


@pytest.fixture
def cache():
    return MemoryCache()


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def client(cache, sleeps):
    return AudienceAlignClient(AudienceAlignTransport(BASE, CLIENT_ID, KEY, cache=cache, sleep=sleeps.append))


def api_calls(wire):
    return [call for call in wire.calls if "getHashData" not in call.request.url]


def hash_calls(wire):
    return [call for call in wire.calls if "getHashData" in call.request.url]


def sent(call):
    return json.loads(call.request.body) if call.request.body else None


def ok(message="", **data):
    return {"status": 200, "message": message, **data}


# --- the hash ---------------------------------------------------------------------------------


def test_the_hash_is_asked_of_get_hash_data_with_the_endpoint_url_and_the_key(wire, client):
    wire.get(f"{BASE}/endpoints/get_master_data", json=ok(FOUND, data=[]))

    client.master_data("country")

    assert sent(hash_calls(wire)[0]) == {"url": f"{BASE}/endpoints/get_master_data", "key": KEY}
    call = api_calls(wire)[0]
    assert call.request.params == {"type": "country", "hash": HASH}
    assert call.request.headers["X-Client-Id"] == CLIENT_ID


def test_each_endpoint_s_hash_is_asked_once_then_kept_in_the_cache(wire, client, cache):
    wire.get(f"{BASE}/endpoints/get_master_data", json=ok(FOUND, data=[]))
    wire.get(f"{BASE}/endpoints/get_survey", json=ok(FOUND, data=[SURVEY_ROW]))

    for kind in ("country", "language", "vertical"):
        client.master_data(kind)
    client.get_survey(SURVEY)
    client.get_survey(SURVEY)

    assert len(hash_calls(wire)) == 2  # one per endpoint URL, whatever the query
    assert client.request_count == 7

    # Another worker with the same cache asks for no hash at all.
    other = AudienceAlignClient(AudienceAlignTransport(BASE, CLIENT_ID, KEY, cache=cache))
    other.get_survey(SURVEY)
    assert len(hash_calls(wire)) == 2 and other.request_count == 1


def test_a_refused_hash_is_asked_for_again_and_the_call_sent_once_more(wire, client):
    wire.get(
        f"{BASE}/endpoints/get_survey",
        json={"status": 400, "error": "Hash data mismatch. Please verify the integrity of the request."},
        status=400,
    )
    wire.get(f"{BASE}/endpoints/get_survey", json=ok(FOUND, data=[SURVEY_ROW]))

    assert client.get_survey(SURVEY).data["data"][0]["project_id"] == SURVEY
    assert len(hash_calls(wire)) == 2


def test_a_hash_refused_twice_is_a_validation_error_in_the_supplier_s_words(wire, client):
    body = {"status": 400, "error": "Hash data mismatch. Please verify the integrity of the request."}
    wire.get(f"{BASE}/endpoints/get_survey", json=body, status=400)

    with pytest.raises(ValidationFailed) as caught:
        client.get_survey(SURVEY)
    assert "Hash data mismatch" in caught.value.message
    assert len(hash_calls(wire)) == 2 and len(api_calls(wire)) == 2


def test_a_wrong_client_id_is_refused_as_credentials(wire, client):
    body = {"status": 403, "error": "Client ID mismatch. Please verify and try again."}
    wire.get(f"{BASE}/endpoints/get_survey", json=body, status=403)

    with pytest.raises(AuthFailed) as caught:
        client.list_surveys()
    assert caught.value.said == "Client ID mismatch. Please verify and try again."


# --- surveys -------------------------------------------------------------------------------------


def test_get_survey_pages_and_one_survey_by_its_header(wire, client):
    wire.get(f"{BASE}/endpoints/get_survey", json=ok(FOUND, data=[SURVEY_ROW]))

    rows = list(client.iter_surveys())
    client.get_survey(SURVEY)

    first, one = api_calls(wire)
    assert rows == [SURVEY_ROW]
    assert first.request.params["page"] == "1" and "X-Project-Id" not in first.request.headers
    assert one.request.headers["X-Project-Id"] == SURVEY


def test_the_list_goes_on_while_pages_are_full_and_stops_at_not_found(wire, client):
    full = [{**SURVEY_ROW, "project_id": f"S{i:015d}"} for i in range(50)]
    wire.get(f"{BASE}/endpoints/get_survey", json=ok(FOUND, data=full))
    wire.get(f"{BASE}/endpoints/get_survey", json={"status": 422, "error": "Survey data not found!"}, status=422)

    rows = list(client.iter_surveys())

    assert len(rows) == 50
    assert [c.request.params["page"] for c in api_calls(wire)] == ["1", "2"]


def test_create_survey_sends_the_seed_s_body(wire, client):
    body = {
        "project_name": "AUD1 - 14-08-2025",
        "country": "229",
        "language": "5",
        "study_category": "5",
        "vertical": "1",
        "audience_type": "1",
        "pii_collection": "No",
        "ir": "10",
        "loi": "10",
        "cpi": "10",
        "complete_needed": "50",
        "project_start_date": "2025-08-14",
        "project_end_date": "2025-08-15",
        "live_link": "https://www.google.com?uid=[identifier]",
        "test_link": "https://www.google2.com?uid=[identifier]",
        "qualifications": [
            {"qualification_code": 42, "range_sets": [{"from": 18, "to": 24}, {"from": 25, "to": 34}]},
            {"qualification_code": 43, "condition_codes": [1]},
        ],
        "quota": [{"qualification_code": 43, "criteria": [{"required_count": 120, "condition_codes": 1}]}],
    }
    wire.post(f"{BASE}/endpoints/create_survey", json=ok("Survey created successfully.", data=SURVEY_ROW))

    answer = client.create_survey(body)

    assert sent(api_calls(wire)[0]) == body
    assert answer.data["data"]["project_id"] == SURVEY


def test_update_survey_sends_loi_and_cpi_as_strings(wire, client):
    wire.patch(f"{BASE}/endpoints/update_survey", json=ok("Survey Data updated successfully!", data=SURVEY_ROW))

    client.update_survey("jOhbijLC2SEum5Km", loi=15)
    client.update_survey("jOhbijLC2SEum5Km", cpi="7.50")

    assert [sent(c) for c in api_calls(wire)] == [
        {"project_id": "jOhbijLC2SEum5Km", "loi": "15"},
        {"project_id": "jOhbijLC2SEum5Km", "cpi": "7.50"},
    ]


def test_set_survey_status_and_its_no_changes_answer(wire, client):
    wire.put(f"{BASE}/endpoints/survey_status", json=ok("Survey status updated successfully."))
    wire.put(f"{BASE}/endpoints/survey_status", json={"status": 204, "message": "No changes made or survey not found."})

    applied = client.set_survey_status("jOhbijLC2SEum5Km", "1")
    unchanged = client.set_survey_status("jOhbijLC2SEum5Km", "1")

    assert sent(api_calls(wire)[0]) == {"project_id": "jOhbijLC2SEum5Km", "status": "1"}
    assert not applied.no_changes and unchanged.no_changes


def test_a_closed_survey_s_refusal_keeps_the_supplier_s_words(wire, client):
    said = "Status update failed. The project has been closed and cannot be modified."
    wire.put(f"{BASE}/endpoints/survey_status", json={"status": 422, "error": said}, status=422)

    with pytest.raises(ValidationFailed) as caught:
        client.set_survey_status(SURVEY, "2")
    assert caught.value.said == said and caught.value.status == 422


# --- qualifications and quotas -------------------------------------------------------------------


def test_qualification_reads_send_the_project_and_qualification_headers(wire, client):
    data = [
        {"qualification_code": 42, "title": "AGE", "text": "What is your age?", "range_sets": [{"from": 18, "to": 24}]}
    ]
    wire.get(f"{BASE}/endpoints/qualifications", json={"status": 422, "message": FOUND, "qualifications_data": data})
    wire.get(f"{BASE}/endpoints/qualifications_quota", json=ok(FOUND, quota_data=[]))

    answer = client.list_qualifications("oE11qxIUwU9mvS1M", qualification_id=42)  # the seed's odd 422 is no refusal
    client.list_quotas("oE11qxIUwU9mvS1M")

    read, quotas = api_calls(wire)
    assert answer.data["qualifications_data"] == data
    assert read.request.headers["X-Project-Id"] == "oE11qxIUwU9mvS1M"
    assert read.request.headers["X-Qualification-Id"] == "42"
    assert quotas.request.headers["X-Project-Id"] == "oE11qxIUwU9mvS1M"
    assert "X-Qualification-Id" not in quotas.request.headers


def test_save_update_and_delete_qualification_send_the_seed_s_bodies(wire, client):
    wire.post(f"{BASE}/endpoints/save_qualification", json=ok(" Qualification Saved successfully."))
    wire.patch(f"{BASE}/endpoints/update_qualification", json=ok(" Qualification Updated successfully."))
    wire.delete(f"{BASE}/endpoints/delete_qualification", json=ok("Qualification deleted successfully."))
    added = [
        {"qualification_code": 42, "range_sets": [{"from": 18, "to": 24}, {"from": 25, "to": 34}]},
        {"qualification_code": 43, "condition_codes": [1]},
        {"qualification_code": 45, "zipcodes": [126535, 283733]},
    ]

    client.save_qualifications("jOhbijLC2SEum5Km", added)
    client.update_qualifications("jOhbijLC2SEum5Km", [{"qualification_code": 43501, "condition_codes": [1]}])
    client.delete_qualification("oE43sNDE4oEBaaEO", 42)

    assert [sent(c) for c in api_calls(wire)] == [
        {"project_id": "jOhbijLC2SEum5Km", "qualifications": added},
        {"project_id": "jOhbijLC2SEum5Km", "qualifications": [{"qualification_code": 43501, "condition_codes": [1]}]},
        {"project_id": "oE43sNDE4oEBaaEO", "qualification_code": "42"},
    ]


def test_an_existing_qualification_is_refused_with_the_questions_it_names(wire, client):
    wire.post(
        f"{BASE}/endpoints/save_qualification",
        status=422,
        json={
            "status": 422,
            "error": " Qualification Already exists, Please Remove these qualification from data & try again!",
            "Question_exists": "STANDARD_WEBCAM,GENDER,STANDARD_HHI,AGE",
        },
    )

    with pytest.raises(ValidationFailed) as caught:
        client.save_qualifications(SURVEY, [{"qualification_code": 43, "condition_codes": [1]}])
    assert "Qualification Already exists" in caught.value.said
    assert "Question_exists: STANDARD_WEBCAM,GENDER,STANDARD_HHI,AGE" in caught.value.said


def test_save_quota_sends_the_seed_s_criteria(wire, client):
    wire.post(f"{BASE}/endpoints/save_quota", json=ok("Quota Updated Successfully."))
    quota = [
        {"qualification_code": 43, "criteria": [{"required_count": 100, "condition_codes": 1}]},
        {"qualification_code": 45, "criteria": [{"required_count": 120, "condition_codes": [200301, 200302]}]},
        {"qualification_code": 42, "criteria": [{"required_count": 120, "condition_codes": "20-24"}]},
    ]

    client.save_quota("jOhbijLC2SEum5Km", quota)

    assert sent(api_calls(wire)[0]) == {"project_id": "jOhbijLC2SEum5Km", "quota": quota}


# --- interlocking ---------------------------------------------------------------------------------


def test_interlocking_calls_send_the_seed_s_bodies(wire, client):
    wire.get(f"{BASE}/endpoints/get_interlocking", json=ok(FOUND, data=INTERLOCKING))
    wire.post(
        f"{BASE}/endpoints/create_interlocking",
        json=ok("Great! Interlocking was created successfully.", Interlocking=INTERLOCKING),
    )
    wire.patch(
        f"{BASE}/endpoints/update_interlocking",
        json=ok("Great! Interlocking was created successfully.", Interlocking=INTERLOCKING),
    )

    client.get_interlocking("jOhbijLC2SEum5Km")
    client.create_interlocking("oE40ydzSJHElV35Y", [43, 42])
    client.update_interlocking("oE40ydzSJHElV35Y", [{"id": "Aud06888d1662ab50", "required_count": 21}])

    assert [(c.request.method, sent(c)) for c in api_calls(wire)] == [
        ("GET", {"project_id": "jOhbijLC2SEum5Km"}),
        ("POST", {"project_id": "oE40ydzSJHElV35Y", "qualification_code": [43, 42]}),
        (
            "PATCH",
            {"project_id": "oE40ydzSJHElV35Y", "combinations": [{"id": "Aud06888d1662ab50", "required_count": 21}]},
        ),
    ]


# --- reconciliation -----------------------------------------------------------------------------

UIDS = ["j8G7Y170924878SjNlC", "Z5hjB170924872cokEx", "m7iIy170924859biRIw", "ehDEY170924811qKzOn"]


def test_reconciliation_calls_send_the_project_header_and_the_seed_s_body(wire, client):
    wire.post(
        f"{BASE}/reconciliations/submit_reconciliation",
        json={"status": True, "message": "The reconciliation request has been successfully processed."},
    )
    wire.get(
        f"{BASE}/reconciliations/reconciliation",
        json={"status": "Completed", "result_count": 4, "accepted_uids": UIDS},
    )

    client.submit_reconciliation("QSnoUStJDXiANB", "noreply@example.com", UIDS)
    answer = client.get_reconciliation("QSnoUStJDXiANB")

    submit, read = api_calls(wire)
    assert sent(submit) == {"contact_email": "noreply@example.com", "request_uids": UIDS}
    assert submit.request.headers["X-Project-Id"] == read.request.headers["X-Project-Id"] == "QSnoUStJDXiANB"
    assert submit.request.headers["Content-Type"] == "application/json"
    assert answer.data["accepted_uids"] == UIDS


@pytest.mark.parametrize(
    ("word", "message", "error"),
    [
        ("Bad Request", "An expected field is missing.", ValidationFailed),
        ("Unauthorized", "No valid authorisation for this operation.", AuthFailed),
        ("Not Found", "The requested resource was not found.", NotFound),
        ("Conflict", "The entity does not meet the required state.", ValidationFailed),
        ("Internal Server Error", "An internal error occurred.", ServerError),
    ],
)
def test_a_false_status_in_a_2xx_answer_is_the_refusal_its_word_says(wire, client, word, message, error):
    wire.post(
        f"{BASE}/reconciliations/submit_reconciliation", json={"status": False, "error": word, "message": message}
    )

    with pytest.raises(error) as caught:
        client.submit_reconciliation(SURVEY, "noreply@example.com", UIDS)
    assert caught.value.said == message


# --- master data, exclusions, feasibility ----------------------------------------------------------


def test_master_data_and_standard_qualifications(wire, client):
    wire.get(f"{BASE}/endpoints/get_master_data", json=ok(FOUND, data=[{"language_id": "1", "name": "French"}]))
    wire.get(f"{BASE}/endpoints/get_qualification_master", json=ok(FOUND, qualifications_data=[]))

    for kind in ("country", "language", "study_category", "vertical"):
        client.master_data(kind)
    client.qualification_master("229", "5")

    calls = api_calls(wire)
    assert [c.request.params["type"] for c in calls[:4]] == ["country", "language", "study_category", "vertical"]
    assert sent(calls[4]) == {"country_id": "229", "language_id": "5"}
    with pytest.raises(ValueError):
        client.master_data("currency")


def test_exclusion_calls(wire, client):
    url = f"{BASE}/endpoints/exclusion"
    wire.get(url, json=ok(FOUND, data={"exclusion_project": ["oE40xE4jAxAMpusW", "oE40vSBJl34s0V7E"]}))
    wire.post(url, json=ok("Exclusion data inserted successfully."))
    wire.delete(url, json=ok("Exclusion data deleted successfully."))

    client.get_exclusions("oE45MBhrWGowXuLE")
    client.save_exclusions("oE45MBhrWGowXuLE", ["oE40ydzSJHElV35Y", "oE40vSBJl34s0V7E"])
    client.delete_exclusions("oE45MBhrWGowXuLE", ["oE40vSBJl34s0V7E"])

    read, save, delete = api_calls(wire)
    assert {c.request.headers["X-Project-Id"] for c in (read, save, delete)} == {"oE45MBhrWGowXuLE"}
    assert sent(save) == {"exclusion_project": ["oE40ydzSJHElV35Y", "oE40vSBJl34s0V7E"]}
    assert sent(delete) == {"exclusion_project": ["oE40vSBJl34s0V7E"]}


def test_an_exclusion_of_a_live_survey_is_refused_in_the_supplier_s_words(wire, client):
    body = {"status": 422, "error": "Provided Projects status must be complete or closed!"}
    wire.post(f"{BASE}/endpoints/exclusion", json=body, status=422)

    with pytest.raises(ValidationFailed) as caught:
        client.save_exclusions(SURVEY, ["oE40ydzSJHElV35Y"])
    assert caught.value.said == "Provided Projects status must be complete or closed!"


def test_feasibility_sends_the_seed_s_body(wire, client):
    body = {
        "locale": "eng_us",
        "incidence_rate": 0.5,
        "length_of_interview": 20,
        "filling_goal": 40,
        "start_date": "2025-08-13T23:00:00.000Z",
        "end_date": "2026-01-01T23:00:00.000Z",
        "profiles": [{"question_id": 43, "conditions": {"data": [{"option": "1"}, {"option": "2"}]}}],
    }
    answer = {"minimum_feasibility": 10000, "maximum_feasibility": 10000, "recommended_price": "10"}
    wire.get(f"{BASE}/endpoints/getFeasibility", json={"status": 200, "feasibility_data": answer})

    assert client.feasibility(body).data["feasibility_data"] == answer
    assert sent(api_calls(wire)[0]) == body


# --- retries and faults ----------------------------------------------------------------------------


def test_reads_are_retried_on_429_and_5xx_and_writes_never(wire, client, sleeps):
    url = f"{BASE}/endpoints/get_survey"
    wire.get(url, status=429, json={"status": 429, "error": "Too many requests"}, headers={"Retry-After": "1"})
    wire.get(url, status=503, json={"status": 500, "error": "Internal server error"})
    wire.get(url, json=ok(FOUND, data=[SURVEY_ROW]))
    wire.post(f"{BASE}/endpoints/save_quota", status=500, json={"status": 500, "error": "Internal server error"})

    client.get_survey(SURVEY)
    with pytest.raises(ServerError):
        client.save_quota(SURVEY, [])

    assert sleeps == [1.0, 1.0]
    assert len([c for c in api_calls(wire) if c.request.method == "POST"]) == 1


def test_a_lasting_429_is_rate_limited_with_retry_after(wire, client):
    url = f"{BASE}/endpoints/save_quota"
    wire.post(url, status=429, json={"status": 429, "error": "Too many requests"}, headers={"Retry-After": "7"})

    with pytest.raises(RateLimited) as caught:
        client.save_quota(SURVEY, [])
    assert caught.value.retry_after == 7.0


# --- the adapter's records ----------------------------------------------------------------------


@pytest.fixture
def adapter(client):
    return AudienceAlignAdapter(client)


def test_a_survey_row_reads_into_the_cockpit_s_words(adapter):
    from suppliers.audience_align.shapes import survey_record

    record = survey_record(SURVEY_ROW)

    assert (record.status, record.status_label) == ("paused", "Inactive")
    assert record.filling_goal == 100 and record.completes == 0
    assert str(record.expected_incidence_rate) == "0.10" and record.expected_length_of_interview_minutes == 10
    assert str(record.cpi) == "20.0000"
    assert record.fielding_start_at.isoformat() == "2025-09-25T00:00:00+00:00"
    assert record.extra["audience_align"]["remaining"] == 100
    # The list gives no change date, and none is made up: equal rows give equal digests, a changed row another.
    assert record.updated_at is None
    assert survey_record(dict(SURVEY_ROW)).fingerprint == record.fingerprint
    changed = {**SURVEY_ROW, "progress": {"complete": 1, "survey_entrant": 3, "remaining": 99}}
    assert survey_record(changed).fingerprint != record.fingerprint


def test_qualifications_quotas_and_interlocking_read_into_profiles_and_cells(adapter):
    from suppliers.audience_align.shapes import profiles_snapshot

    row = {
        **SURVEY_ROW,
        "qualifications": [
            *SURVEY_ROW["qualifications"],
            {"qualification_id": 42, "range_sets": [{"from": 20, "to": 24}, {"from": 25, "to": 30}], "Name": "AGE"},
        ],
    }
    snapshot = profiles_snapshot(row, INTERLOCKING)

    gender = snapshot.profile("43")
    assert gender.name == "GENDER" and gender.description == "Are you...?"
    assert [(q.remote_id, q.text, q.completes_goal, q.extra["defined"]) for q in gender.quotas] == [
        ("43:1", "Male", 100, True),
        ("43:2", "Female", 100, False),  # no quota: the overall complete goal
    ]
    assert [c["id"] for c in snapshot.profile("42").conditions] == ["20-24", "25-30"]
    interlock = snapshot.interlock()
    assert interlock.name == "GENDER × AGE" and set(interlock.profile_ids) == {"43", "42"}
    assert [(c.remote_id, c.text, c.completes_goal) for c in interlock.cells][0] == (
        "Aud06888d1662ab50",
        "Male, 20-24",
        21,
    )
    assert snapshot.members("interlocking") == {"43", "42"}


def test_quota_goals_go_to_save_quota_and_cell_goals_to_update_interlocking(wire, adapter):
    wire.post(f"{BASE}/endpoints/save_quota", json=ok("Quota Updated Successfully."))
    wire.patch(
        f"{BASE}/endpoints/update_interlocking",
        json=ok("Great! Interlocking was created successfully.", Interlocking=INTERLOCKING),
    )
    ref = TargetGroupRef("surveys", SURVEY)

    adapter.set_quota_goals(ref, {("43", "43:1"): 80, ("42", "42:20-24"): 40}, key="k")
    adapter.set_quota_goals(ref, {("interlocking", "Aud06888d1662ab50"): 21}, key="k")

    save, update = api_calls(wire)
    assert sent(save) == {
        "project_id": SURVEY,
        "quota": [
            {"qualification_code": 42, "criteria": [{"required_count": 40, "condition_codes": "20-24"}]},
            {"qualification_code": 43, "criteria": [{"required_count": 80, "condition_codes": 1}]},
        ],
    }
    assert sent(update) == {"project_id": SURVEY, "combinations": [{"id": "Aud06888d1662ab50", "required_count": 21}]}


def test_update_interlocking_s_no_changes_is_applied_when_the_goals_are_already_so(wire, adapter):
    said = (
        "No changes were made. Either the quotas are already up to date or the update failed. "
        "Please verify and try again."
    )
    wire.patch(f"{BASE}/endpoints/update_interlocking", status=422, json={"status": 422, "error": said})
    wire.get(f"{BASE}/endpoints/get_interlocking", json=ok(FOUND, data=INTERLOCKING))
    ref = TargetGroupRef("surveys", SURVEY)

    adapter.set_quota_goals(ref, {("interlocking", "Aud06888d1662ab50"): 21}, key="k")  # already 21: applied
    with pytest.raises(ValidationFailed):
        adapter.set_quota_goals(ref, {("interlocking", "Aud06888d1662ab50"): 22}, key="k")


def test_a_status_update_without_changes_is_told_apart_by_reading_the_survey(wire, adapter):
    wire.put(f"{BASE}/endpoints/survey_status", json={"status": 204, "message": "No changes made or survey not found."})
    wire.get(f"{BASE}/endpoints/get_survey", json=ok(FOUND, data=[{**SURVEY_ROW, "status": "Active"}]))
    ref = TargetGroupRef("surveys", SURVEY)

    answer = adapter.set_status(ref, "activate", key="k")  # already Active: applied
    assert answer.target_group.status == "live"
    with pytest.raises(ValidationFailed):
        adapter.set_status(ref, "deactivate", key="k")


def test_a_lost_submission_is_found_only_when_the_supplier_holds_these_very_uids(wire, adapter):
    url = f"{BASE}/reconciliations/reconciliation"
    wire.get(url, json={"status": "Processing", "result_count": 0, "accepted_uids": [], "request_uids": UIDS})
    wire.get(url, json={"status": "Processing", "result_count": 0, "accepted_uids": [], "request_uids": UIDS[:2]})
    wire.get(url, json={"status": "Completed", "result_count": 4, "accepted_uids": UIDS})
    ref = TargetGroupRef("surveys", SURVEY)

    assert adapter.find_reconciliation(ref, list(reversed(UIDS))).state == "processing"
    assert adapter.find_reconciliation(ref, UIDS) is None  # another list
    assert adapter.find_reconciliation(ref, UIDS) is None  # the answer does not say which list it holds


def test_a_submission_for_manual_review_says_so(wire, adapter):
    wire.post(
        f"{BASE}/reconciliations/submit_reconciliation",
        json={"status": True, "message": "The reconciliation request was accepted but requires manual review."},
    )

    answer = adapter.submit_reconciliation(
        TargetGroupRef("surveys", SURVEY), UIDS, contact_email="pm@example.com", key="k"
    )

    assert answer.reconciliation.needs_review is True
