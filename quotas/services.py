"""What a PM can ask of a target group's quotas. Each call records an outbox change."""

from sync.intents import request_change


def request_quota_toggle(profile, enabled, *, by):
    kind = "enable_quotas" if enabled else "disable_quotas"
    tg = profile.target_group
    return request_change(kind, connection=tg.project.connection, target_group=tg, profile=profile, by=by)


def request_interlock(target_group, profiles, filling_goal, *, by):
    return request_change(
        "create_interlock",
        connection=target_group.project.connection,
        target_group=target_group,
        payload={
            "profile_ids": [p.remote_id for p in profiles],
            "target_group_filling_goal": filling_goal,
        },
        by=by,
    )


def request_interlock_removal(interlocked_profile, *, by):
    tg = interlocked_profile.target_group
    members = list(interlocked_profile.profiles.values_list("remote_id", flat=True))
    return request_change(
        "remove_interlock",
        connection=tg.project.connection,
        target_group=tg,
        payload={"interlocked_profile_id": interlocked_profile.remote_id, "profile_ids": members},
        by=by,
    )


def request_quota_goals(target_group, goals, *, profile=None, by):
    """`goals`: {quota or interlock cell: new completes goal}."""
    return request_change(
        "set_quota_goals",
        connection=target_group.project.connection,
        target_group=target_group,
        profile=profile,
        payload={"goals": {quota.remote_id: goal for quota, goal in goals.items()}},
        by=by,
    )


def request_quota_figures(target_group, goals, targets, *, by):
    """A whole grid's new figures as one change: `goals` {quota or interlock cell: completes goal},
    `targets` {quota or cell: current target} (suppliers with `traffic_caps`). Rows are keyed by what
    they are (a model instance, or any row with a `remote_id`); the payload names them by remote id."""
    return request_change(
        "set_quota_figures",
        connection=target_group.project.connection,
        target_group=target_group,
        payload={
            "goals": {row.remote_id: int(goal) for row, goal in goals.items()},
            "targets": {row.remote_id: int(cap) for row, cap in targets.items()},
        },
        by=by,
    )


def request_filling_goal(target_group, filling_goal, *, by):
    return request_change(
        "set_target_group_filling_goal",
        connection=target_group.project.connection,
        target_group=target_group,
        payload={"filling_goal": filling_goal},
        by=by,
    )


def request_traffic_cap(target_group, quota, cap, *, stop=False, by):
    """`quota`: a Quota or an InterlockCell; `cap`: its new current target (PureSpectrum's current_target)."""
    profile = getattr(quota, "profile", None)
    return request_change(
        "set_traffic_cap",
        connection=target_group.project.connection,
        target_group=target_group,
        profile=profile,
        payload={"quota_id": quota.remote_id, "traffic_cap": cap, "stop": stop},
        by=by,
    )


def request_cpi(target_group, cpi, *, by):
    return request_change(
        "set_cpi",
        connection=target_group.project.connection,
        target_group=target_group,
        payload={"cpi": str(cpi)},
        by=by,
    )
