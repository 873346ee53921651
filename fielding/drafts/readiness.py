"""Whether a draft target group can be launched: what the supplier would refuse, said before anything is sent.

Cint launches a draft from its own copy; a draft with no survey link, no length of interview or no
incidence rate would go live and take respondents it cannot send anywhere (or be refused by the
launch job). The cockpit reads the draft from the supplier first when it holds no body of its own.
"""

from fielding.mirror import read_supplier_draft

from .body import draft_body, is_created
from .summary import question_names, shortfalls
from .validators import RID_PLACEHOLDER


def launch_problems(tg):
    """The reasons `tg` cannot be launched now, as sentences a PM can act on ([] when it can)."""
    if not tg.capabilities.drafts:
        return []
    if not is_created(tg):
        return ["The supplier does not have this draft yet (its last save was refused or is still on its way)."]
    read_error = read_supplier_draft(tg)
    problems = []
    if not (tg.live_url or "").strip():
        problems.append("It has no live survey link.")
    elif RID_PLACEHOLDER not in tg.live_url:
        problems.append(f"Its live survey link does not pass the respondent id ({RID_PLACEHOLDER}).")
    if not (tg.test_url or "").strip():
        problems.append("It has no test survey link.")
    if not tg.filling_goal or tg.filling_goal <= 0:
        problems.append("It has no filling goal.")
    if not tg.expected_length_of_interview_minutes:
        problems.append("It has no expected length of interview.")
    if tg.expected_incidence_rate is None:
        problems.append("It has no expected incidence rate.")
    if problems and read_error:
        problems.append(read_error)
    return problems


def launch_facts(tg):
    """What a launch sends respondents to, for the confirmation."""
    facts = [f"Filling goal: {tg.filling_goal} completes"]
    if tg.expected_length_of_interview_minutes:
        facts.append(f"Expected length of interview: {tg.expected_length_of_interview_minutes} min")
    if tg.expected_incidence_rate is not None:
        facts.append(f"Expected incidence rate: {round(tg.expected_incidence_rate * 100)}%")
    if tg.cpi is not None:
        facts.append(f"CPI: {tg.cpi:.2f} {tg.cpi_currency}".rstrip())
    if tg.live_url:
        facts.append(f"Live survey link: {tg.live_url}")
    if tg.capabilities.drafts:
        names = question_names(tg.project.connection, tg.locale, fetch=False)
        facts.extend(f"Quotas short of the goal: {line}" for line in shortfalls(draft_body(tg), names))
    return facts
