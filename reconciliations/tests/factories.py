import factory
from django.utils import timezone

from projects.tests.factories import ConnectionFactory, ProjectFactory
from reconciliations.models import EligibleReport, EligibleRid, ReasonCode


class ReasonCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReasonCode
        django_get_or_create = ("connection", "code")

    connection = factory.SubFactory(ConnectionFactory)
    code = "11"
    name = "Adjusted complete"
    fetched_at = factory.LazyFunction(timezone.now)


class EligibleReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EligibleReport

    connection = factory.SelfAttribute("project.connection")
    project = factory.SubFactory(ProjectFactory)
    state = EligibleReport.State.READY
    report_id = factory.Faker("uuid4")
    finished_at = factory.LazyFunction(timezone.now)


class EligibleRidFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EligibleRid

    report = factory.SubFactory(EligibleReportFactory)
    rid = factory.Sequence(lambda n: f"0F1CE179-A917-49FF-9D50-{n:012d}")
    status = "complete"
    completed_at = factory.LazyFunction(timezone.now)
