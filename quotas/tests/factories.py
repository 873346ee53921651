import factory
from django.utils import timezone

from projects.tests.factories import TargetGroupFactory
from quotas.models import InterlockCell, InterlockedProfile, Profile, Quota


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    target_group = factory.SubFactory(TargetGroupFactory)
    remote_id = factory.Sequence(lambda n: f"01PROFILE{n:017d}")
    question_id = factory.Sequence(lambda n: 100 + n)
    name = factory.Sequence(lambda n: f"QUESTION {n}")
    quotas_enabled = True
    conditions_kind = Profile.ConditionsKind.SELECTION
    synced_at = factory.LazyFunction(timezone.now)
    position = factory.Sequence(int)


class QuotaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quota

    profile = factory.SubFactory(ProfileFactory)
    remote_id = factory.Sequence(lambda n: f"01QUOTA{n:019d}")
    text = factory.Sequence(lambda n: f"Option {n}")
    quota = 50
    completes_goal = 250
    completes = 60
    prescreens = 200
    position = factory.Sequence(int)


class InterlockedProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InterlockedProfile

    target_group = factory.SubFactory(TargetGroupFactory)
    remote_id = factory.Sequence(lambda n: f"01INTERLOCK{n:015d}")
    name = "AGE, GENDER"


class InterlockCellFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InterlockCell

    interlocked_profile = factory.SubFactory(InterlockedProfileFactory)
    remote_id = factory.Sequence(lambda n: f"01CELL{n:020d}")
    text = factory.Sequence(lambda n: f"Cell {n}")
    completes_goal = 100
