"""Answers that carry a target group's profiles, stored at once or gathered over a run of changes."""

from dataclasses import replace

from ..mirror import upsert_named_profiles, upsert_profile, upsert_profiles


def store_profiles_answer(tg, answer, *, keep_version=True):
    """An answer that carries all profiles, or one: mirror whichever it is, and keep its version
    (unless the caller stores it with the target group's other fields)."""
    if answer.profiles is not None:
        upsert_profiles(tg, answer.profiles)
    elif answer.profile is not None:
        upsert_profile(tg, answer.profile)
    if keep_version:
        tg.take_version(answer.version)


class CarriedProfiles:
    """What the answers of a run of changes returned (`ChangeKind.carry`), stored once after the last.

    The profiles: the latest answer with all of them, with the single profiles answered since put in it
    (or, before any such answer, the single profiles answered). The target group's fields: its newest
    version (which the next send takes from the instance at once) and the filling goal applied last.
    """

    def __init__(self, snapshot=None, records=None, fields=None):
        self.snapshot = snapshot
        self.records = records or {}
        self.fields = fields or {}

    def then(self, answer, tg, **fields):
        """These with `answer` on top (a new object: a transaction tried again starts from the old one)."""
        if answer.version:
            fields["version"] = tg.version = answer.version
        fields = {**self.fields, **fields}
        if answer.profiles is not None:
            return CarriedProfiles(answer.profiles, fields=fields)
        record = answer.profile
        if record is None:
            return CarriedProfiles(self.snapshot, self.records, fields)
        if self.snapshot is None or self.snapshot.profile(record.remote_id) is None:
            return CarriedProfiles(self.snapshot, {**self.records, record.remote_id: record}, fields)
        profiles = [
            # A single profile's answer does not say which interlock it is in; the snapshot does.
            replace(record, interlock_id=known.interlock_id) if known.remote_id == record.remote_id else known
            for known in self.snapshot.profiles
        ]
        return CarriedProfiles(replace(self.snapshot, profiles=profiles), self.records, fields)

    def store(self, tg):
        if self.fields:
            for field, value in self.fields.items():
                setattr(tg, field, value)
            type(tg).objects.filter(pk=tg.pk).update(**self.fields)
        if self.snapshot is not None:
            upsert_profiles(tg, self.snapshot)
        upsert_named_profiles(tg, list(self.records.values()))
