"""What a PM should know before a goal is sent: values the supplier takes but that will not do
what the PM may expect. These are warnings the PM confirms, never errors (the forms refuse what
the supplier would refuse)."""


def below_achieved(quota, goal):
    """A quota (or cell) goal below the completes it already has."""
    done = quota.completes or 0
    if goal < done:
        return f"Below the {done:,} completes it already has: it takes no more respondents."
    return ""


def total_below_goal(total, tg, what="These goals"):
    """The goals of one profile (or interlock) add up to less than the target group's goal."""
    if tg.filling_goal and total < tg.filling_goal:
        return (
            f"{what} add up to {total:,}, below the target group's goal of {tg.filling_goal:,}: with these "
            "quotas on, the target group cannot reach its goal."
        )
    return ""


def filling_goal_warnings(tg, goal):
    done = tg.current_completes or 0
    if goal < done:
        return [
            f"The target group already has {done:,} completes: it completes as soon as the supplier takes this goal."
        ]
    return []


def rescaled_goals(tg, goal, quotas):
    """[(quota text, goal now, goal after)] where the supplier rescales quota goals with the filling
    goal (`Capabilities.filling_goal_moves_quota_goals`): each keeps its share of the target group's goal."""
    if not tg.filling_goal or not tg.capabilities.filling_goal_moves_quota_goals:
        return []
    moved = []
    for quota in quotas:
        after = round(quota.completes_goal * goal / tg.filling_goal)
        if quota.completes_goal and after != quota.completes_goal:
            moved.append((quota.text, quota.completes_goal, after))
    return moved
