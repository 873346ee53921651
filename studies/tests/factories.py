import datetime

import factory
from django.utils import timezone

from studies.models import Attachment, Study


class StudyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Study

    name = factory.Sequence(lambda n: f"US adults {n}")
    goal = 1000
    field_start = factory.LazyFunction(timezone.now)
    field_end = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment

    study = factory.SubFactory(StudyFactory)
