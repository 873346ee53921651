"""The form a PM schedules a change with: what, when (in their zone), how often, and the figure.

Everything the supplier would refuse is said next to its field when asked, not at 08:00 the next day: a
time that has passed, a target group that will have finished by then, a figure the cockpit's own forms
refuse, a repeated raise with no limit.
"""

from contextlib import suppress

from django import forms
from django.utils import timezone

from preferences.zones import zoned
from projects.queries import FINISHED_STATUSES
from quotas.forms import FillingGoalForm
from quotas.forms_caps import CpiForm, QuotaQuantityForm, TrafficCapForm
from quotas.models import InterlockCell, Profile, Quota
from suppliers.adapter import Unsupported
from sync.intents import check_supported
from sync.kinds import REGISTRY
from sync.models import RemoteChange

from . import actions, timing
from .models import ScheduledChange

Repeat = ScheduledChange.Repeat


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self):
        super().__init__(format="%Y-%m-%dT%H:%M")


def summary_of(data):
    action = data["action_obj"]
    quota, profile = data.get("quota"), data.get("profile")
    what = action.label
    if profile is not None:
        what = f"{action.label} (“{profile.name}”)"
    if quota is not None:
        what = f"{action.label}: “{row_label(quota)}”"
    if data.get("step") is not None:
        verb = "raise by" if data["step"] > 0 else "lower by"
        limit = f" until {data['limit']:,}" if data.get("limit") is not None else ""
        return f"{what}, {verb} {abs(data['step']):,}{limit}"
    if data.get("figure") is not None:
        return f"{what} to {data['figure']}"
    return what


def row_label(row):
    group = row.profile.name if isinstance(row, Quota) else row.interlocked_profile.name
    return f"{group}: {row.text}"


def rows_of(tg):
    """The quotas and interlock cells of `tg`, by the key the form's select names them with."""
    quotas = (
        Quota.objects.filter(profile__target_group=tg)
        .select_related("profile")
        .order_by("profile_id", "position", "pk")
    )
    cells = InterlockCell.objects.filter(interlocked_profile__target_group=tg).select_related("interlocked_profile")
    rows = {row_key(q): q for q in quotas}
    rows.update((row_key(c), c) for c in cells.order_by("interlocked_profile_id", "position", "pk"))
    return rows


def row_key(row):
    return f"quota-{row.pk}" if isinstance(row, Quota) else f"cell-{row.pk}"


class StoredScheduleForm(forms.Form):
    """What the forms of a target group's and a study's schedules share: filled in as a stored schedule stands
    when it is edited (`instance`), its time read on the PM's clock, and saved over it by the PM who edits it,
    who becomes the one who asked."""

    def __init__(self, *args, instance=None, now=None, **kwargs):
        if instance is not None:
            kwargs.setdefault("initial", self.initial_of(instance))
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.now = now or timezone.now()

    def initial_of(self, schedule):
        """The fields as `schedule` stands; its next run (aware) is drawn on the PM's clock, in their zone."""
        return {"at": schedule.run_at, "repeat": schedule.repeat, "every_hours": schedule.every_hours}

    def _clean_time(self, data):
        """The moment typed, on the PM's clock in their zone, into `data`; False when it is missing or past."""
        if data.get("repeat") == Repeat.HOURS and not data.get("every_hours") and "every_hours" not in self.errors:
            self.add_error("every_hours", "Say every how many hours, such as 6.")
        at = data.get("at")
        if at is None:
            return False
        zone = timing.current_zone_name()
        data["local_date"], data["local_time"] = timing.wall_clock(at, zone)
        data["time_zone"] = zone
        data["run_at"] = timing.moment(data["local_date"], data["local_time"], zone)
        if data["run_at"] <= self.now:
            now = timezone.localtime(self.now)
            self.add_error("at", f"That time has passed (it is {now:%d %b %Y %H:%M} in {zone}); choose a later one.")
            return False
        return True

    def owner(self):
        """{"target_group": …} or {"study": …}: where a new schedule is stored."""
        raise NotImplementedError

    def stored_fields(self):
        """The schedule's fields as the form asks for them (after `is_valid`)."""
        raise NotImplementedError

    def save(self, *, by):
        """Store the schedule asked for (after `is_valid`), or the edited one over it."""
        fields = self.stored_fields()
        if self.instance is None:
            return ScheduledChange.objects.create(requested_by=by, **self.owner(), **fields)
        for name, value in fields.items():
            setattr(self.instance, name, value)
        self.instance.message, self.instance.requested_by = "", by
        self.instance.save()
        return self.instance


class ScheduleForm(StoredScheduleForm):
    action = forms.ChoiceField(label="Change", error_messages={"required": "Choose the change to make."})
    profile = forms.ModelChoiceField(queryset=Profile.objects.none(), required=False, label="Profile")
    quota = forms.ChoiceField(required=False, label="Quota or interlock cell")
    value = forms.CharField(label="New value", required=False, max_length=20)
    at = forms.DateTimeField(
        label=zoned("When"),
        widget=LocalDateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"required": "Give the date and time to make it.", "invalid": "Enter a date and time."},
    )
    repeat = forms.ChoiceField(label="Repeat", choices=Repeat.choices, required=False)
    every_hours = forms.IntegerField(
        label="Every … hours",
        required=False,
        min_value=1,
        max_value=168,
        error_messages={"min_value": "At least every hour.", "max_value": "At most every 168 hours (a week)."},
    )
    step = forms.IntegerField(
        label="Or change by (each run)",
        required=False,
        min_value=-1_000_000,
        max_value=1_000_000,
        help_text="Instead of a new value: raise (or, below 0, lower) the figure by this much each time.",
    )
    limit = forms.IntegerField(label="Until it reaches", required=False, min_value=0, max_value=2**31 - 1)

    def __init__(self, *args, tg, **kwargs):
        super().__init__(*args, **kwargs)
        self.tg = tg
        self.offered = actions.offered(tg)
        self.fields["action"].choices = [("", "Choose…")] + [(a.key, a.label) for a in self.offered]
        self.fields["profile"].queryset = Profile.objects.filter(target_group=tg, interlocked_profile__isnull=True)
        self.rows = rows_of(tg)
        self.fields["quota"].choices = [("", "Choose…")] + [(key, row_label(row)) for key, row in self.rows.items()]

    def clean_quota(self):
        return self.rows.get(self.cleaned_data.get("quota") or "")

    # --- the figure, checked by the form the cockpit uses for it ------------------------------------

    def _figure(self, action, quota, typed, field):
        """`typed` checked as the page's own form for that figure checks it; errors go next to `field`."""
        if action.key == actions.CPI.key:
            form, name = CpiForm({"cpi": typed}), "cpi"
        elif action.key == actions.FILLING_GOAL.key:
            form, name = FillingGoalForm({"filling_goal": typed}), "filling_goal"
        elif action.key == actions.TRAFFIC_CAP.key:
            form, name = TrafficCapForm({"traffic_cap": typed}, quota=quota), "traffic_cap"
        else:
            survey_goal = self.tg.filling_goal if self.tg.capabilities.traffic_caps else 0
            form, name = (
                QuotaQuantityForm({"required_count": typed}, quota=quota, survey_goal=survey_goal),
                "required_count",
            )
        if form.is_valid():
            return form.cleaned_data[name]
        for error in form.errors.get(name, []):
            self.add_error(field, error)
        return None

    def clean(self):
        data = super().clean()
        action = actions.action_named(self.tg, data.get("action") or "")
        if self.tg.status in FINISHED_STATUSES:
            self.add_error(
                "action", f"“{self.tg.name}” is {self.tg.status_text.lower()}: nothing can be scheduled on it."
            )
            return data
        if action is None:
            if data.get("action"):
                self.add_error("action", "Choose one of the changes listed.")
            return data
        data["action_obj"] = action
        self._clean_when(data)
        self._clean_target(action, data)
        if action.figure:
            self._clean_figure(action, data)
        else:
            for name in ("value", "step", "limit"):
                if data.get(name) not in (None, ""):
                    self.add_error(name, f"“{action.label}” takes no figure; leave this empty.")
        if not self.errors:
            self._check_supplier(action, data)
        return data

    def _clean_when(self, data):
        if not self._clean_time(data):
            return
        end = self.tg.fielding_end_at
        if end is not None and end <= data["run_at"]:
            self.add_error(
                "at",
                f"“{self.tg.name}” ends fielding at {timezone.localtime(end):%d %b %Y %H:%M}, before this time, "
                "so it would have finished by then. Choose an earlier time or change the end date first.",
            )

    def _clean_target(self, action, data):
        if "profile" in action.needs and data.get("profile") is None:
            self.add_error("profile", "Choose the profile whose quotas to switch.")
        if "quota" in action.needs and data.get("quota") is None:
            self.add_error("quota", "Choose the quota to change.")

    def _clean_figure(self, action, data):
        typed, step, limit = (data.get("value") or "").strip(), data.get("step"), data.get("limit")
        quota = data.get("quota")
        if "quota" in action.needs and quota is None:
            return
        if step is not None and not action.steps:
            self.add_error("step", "Only counts (goals, current targets) can be raised step by step.")
            return
        if step is None and not typed:
            self.add_error("value", "Give the new value, or a step to change it by.")
            return
        if step is not None and typed:
            self.add_error("step", "Give either a new value or a step, not both.")
            return
        if step is not None:
            if step == 0:
                self.add_error("step", "A step of 0 changes nothing; give a number such as 50.")
            elif (data.get("repeat") or Repeat.ONCE) != Repeat.ONCE and limit is None:
                self.add_error(
                    "limit", "A repeated change needs a limit, such as 400: without one it goes on for ever."
                )
            elif limit is not None:
                data["limit"] = self._figure(action, quota, str(limit), "limit")
            return
        data["figure"] = self._figure(action, quota, typed, "value")

    def _check_supplier(self, action, data):
        """What the supplier cannot take, said as the outbox would say it (status and run actions are
        checked when they run: pausing at 18:00 what is paused now for lunch is fine)."""
        if action.status or action.run_action:
            return
        quota = data.get("quota")
        figure = data.get("figure") if data.get("step") is None else data.get("limit")
        payload = actions.payload_for(action, self.tg, quota=quota, value=figure if figure is not None else 0)
        change = RemoteChange(
            kind=action.kind,
            connection=self.tg.project.connection,
            target_group=self.tg,
            profile=data.get("profile") or getattr(quota, "profile", None),
            payload=payload,
        )
        try:
            check_supported(REGISTRY[action.kind], change)
        except Unsupported as exc:
            self.add_error("value" if action.figure else "action", str(exc))

    def initial_of(self, schedule):
        """As the schedule stands: its change, quota and figure (or step and limit), and when."""
        action = next((a for a in actions.offered(schedule.target_group) if a.key == schedule.action), None)
        initial = super().initial_of(schedule) | {"action": schedule.action, "step": schedule.step}
        if action is None:
            return initial
        if "profile" in action.needs:
            initial["profile"] = schedule.profile_id
        if "quota" in action.needs:
            with suppress(actions.NothingToDo):  # a quota gone since: the PM chooses another
                initial["quota"] = row_key(actions.quota_of(schedule))
        if schedule.step is not None:
            initial["limit"] = schedule.limit
        elif action.figure:
            initial["value"] = actions.figure_of(action, schedule.payload)
        return initial

    def owner(self):
        return {"target_group": self.tg}

    def stored_fields(self):
        data = self.cleaned_data
        action, quota = data["action_obj"], data.get("quota")
        figure = data.get("figure")
        hours = data.get("repeat") == Repeat.HOURS
        return {
            "action": action.key,
            "kind": action.kind,
            "profile": data.get("profile") or getattr(quota, "profile", None),
            "payload": actions.payload_for(
                action, self.tg, quota=quota, value=figure if figure is not None else data.get("limit") or 0
            ),
            "summary": summary_of(data)[:300],
            "local_date": data["local_date"],
            "local_time": data["local_time"],
            "time_zone": data["time_zone"],
            "run_at": data["run_at"],
            "repeat": data.get("repeat") or Repeat.ONCE,
            "every_hours": data.get("every_hours") if hours else None,
            "step": data.get("step"),
            "limit": data.get("limit"),
        }
