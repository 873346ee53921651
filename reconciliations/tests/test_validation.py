"""Every rule a reconciliation file is checked against, each bad line reported by its number."""

from datetime import date

import pytest

from reconciliations.validation import MAX_LINES, check_lines, in_window, reconciliation_deadline

CODES = {"11", "12", "932"}
JAN_31 = date(2025, 1, 31)
KNOWN = {"RID-A": JAN_31, "RID-B": JAN_31, "RID-C": date(2025, 2, 3), "RID-NODATE": None}


def lookup(keys):
    return {key: KNOWN[key] for key in keys if key in KNOWN}


def check(text, today=date(2025, 2, 10), codes=CODES, known=lookup):
    return check_lines(text, reason_codes=codes, lookup=known, today=today)


def problems(result):
    return {problem.number: " ".join(problem.messages) for problem in result.problems}


def test_good_lines_pass_and_make_the_csv_without_header():
    result = check("RID-A,11\nrid-b , 932\r\nRID-NODATE,12\n")
    assert result.ok
    assert result.csv == "RID-A,11\nrid-b,932\nRID-NODATE,12\n"
    assert [line.number for line in result.lines] == [1, 2, 3]


def test_blank_lines_are_skipped_but_keep_the_numbering():
    result = check("RID-A,11\n\n   \nRID-Z,11\n")
    assert problems(result).keys() == {4}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("RID-A", "has 1 column"),
        ("RID-A,11,extra", "has 3 columns"),
        ("RID-A;11", "not a semicolon"),
        ("RID-A\t11", "not a tab"),
    ],
)
def test_a_line_without_exactly_two_columns_is_reported(line, expected):
    result = check(f"RID-B,11\n{line}\nRID-C,12\n")
    assert not result.ok
    assert list(problems(result)) == [2]
    assert expected in problems(result)[2]
    assert "exactly two" in problems(result)[2]


def test_empty_columns_are_reported():
    result = check("RID-A,\n,11\n")
    assert "reason code (second column) is empty" in problems(result)[1]
    assert "RID (first column) is empty" in problems(result)[2]


def test_an_unknown_reason_code_is_reported_with_the_known_ones():
    result = check("RID-A,11\nRID-B,99\n")
    assert list(problems(result)) == [2]
    assert "“99” is not one of the supplier's reason codes (11, 12, 932)" in problems(result)[2]


def test_a_duplicate_rid_is_reported_on_the_later_line_whatever_its_case():
    result = check("RID-A,11\nRID-B,11\nrid-a,12\n")
    assert list(problems(result)) == [3]
    assert "already on line 1" in problems(result)[3]


def test_a_rid_missing_from_the_eligible_report_is_reported():
    result = check("RID-A,11\nRID-NOPE,11\n")
    assert list(problems(result)) == [2]
    assert "RID-NOPE is not in the eligible-RIDs report" in problems(result)[2]


def test_a_header_row_is_named_as_such():
    result = check("RID,reason code\nRID-A,11\n")
    assert list(problems(result)) == [1]
    assert "header row" in problems(result)[1]


def test_every_bad_line_is_reported_not_only_the_first():
    text = "RID-A,11\nRID-A,11\nRID-B,77\nRID-B\nRID-X,11\nRID-C,12\n"
    result = check(text)
    assert list(problems(result)) == [2, 3, 4, 5]
    assert [line.rid for line in result.lines] == ["RID-A", "RID-C"]
    assert not result.ok


def test_a_line_with_several_problems_lists_them_all():
    result = check("RID-X,77\n")
    assert "not one of the supplier's reason codes" in problems(result)[1]
    assert "not in the eligible-RIDs report" in problems(result)[1]


def test_nothing_to_send_is_a_problem():
    result = check("\n  \n")
    assert not result.ok
    assert "no lines to send" in result.problems[0].messages[0]


def test_at_most_20000_lines():
    rids = {f"R{n}": JAN_31 for n in range(MAX_LINES + 2)}
    text = "".join(f"R{n},11\n" for n in range(MAX_LINES))
    assert check(text, known=lambda keys: {k: rids[k] for k in keys if k in rids}).ok

    text += "R20000,11\nR20001,11\n"
    result = check(text, known=lambda keys: {k: rids[k] for k in keys if k in rids})
    assert not result.ok
    (problem,) = result.problems
    assert (problem.number, problem.last_number) == (20_001, 20_002)
    assert problem.where == "Lines 20,001–20,002"
    assert "at most 20,000 lines" in problem.messages[0] and "has 20,002" in problem.messages[0]


# --- the reconciliation window ----------------------------------------------------------


@pytest.mark.parametrize(
    ("completed", "deadline"),
    [
        (date(2025, 1, 1), date(2025, 2, 25)),
        (date(2025, 1, 31), date(2025, 2, 25)),
        (date(2024, 12, 31), date(2025, 1, 25)),
        (date(2024, 1, 31), date(2024, 2, 25)),
    ],
)
def test_the_deadline_is_the_25th_of_the_following_month(completed, deadline):
    assert reconciliation_deadline(completed) == deadline


@pytest.mark.parametrize(
    ("today", "allowed"),
    [
        (date(2025, 1, 31), True),  # the day of the complete
        (date(2025, 2, 24), True),
        (date(2025, 2, 25), True),  # the last day
        (date(2025, 2, 26), False),  # the day after
        (date(2025, 3, 1), False),
    ],
)
def test_window_boundary_for_a_january_complete(today, allowed):
    assert in_window(JAN_31, today) is allowed
    result = check("RID-A,11\n", today=today)
    assert result.ok is allowed
    if not allowed:
        assert "completed on 31 January 2025" in problems(result)[1]
        assert "until 25 February 2025" in problems(result)[1]


def test_window_across_the_year_end():
    known = lambda keys: {"RID-D": date(2024, 12, 15)}  # noqa: E731
    assert check("RID-D,11\n", today=date(2025, 1, 25), known=known).ok
    assert not check("RID-D,11\n", today=date(2025, 1, 26), known=known).ok


def test_only_the_late_lines_are_refused():
    result = check("RID-A,11\nRID-C,12\n", today=date(2025, 2, 26))
    assert list(problems(result)) == [1]


def test_a_rid_without_a_known_complete_day_is_left_to_the_supplier():
    assert check("RID-NODATE,11\n", today=date(2030, 1, 1)).ok


def test_a_line_of_a_megabyte_is_reported_not_parsed():
    result = check("RID-A,11\n" + "x" * 1_000_000 + "\nRID-B,11\n")

    assert not result.ok
    assert "1,000,000 characters long" in problems(result)[2]
    assert list(problems(result)) == [2]
