import factory
from django.utils import timezone

from projects.models import Project, SupplierConnection, TargetGroup


class ConnectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierConnection
        django_get_or_create = ("kind", "account_id")

    kind = "cint"
    account_id = "1001"
    label = "Cint (sandbox)"


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    connection = factory.SubFactory(ConnectionFactory)
    remote_id = factory.Sequence(lambda n: f"01PROJECT{n:017d}")
    name = factory.Sequence(lambda n: f"Project {n}")
    synced_at = factory.LazyFunction(timezone.now)


class TargetGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TargetGroup

    project = factory.SubFactory(ProjectFactory)
    remote_id = factory.Sequence(lambda n: f"01TG{n:022d}")
    name = factory.Sequence(lambda n: f"Target group {n}")
    status = TargetGroup.Status.LIVE
    locale = "eng_us"
    filling_goal = 500
    current_completes = 120
    current_prescreens = 400
    expected_length_of_interview_minutes = 10
    expected_incidence_rate = "0.50"
    cpi = "2.5000"
    cpi_currency = "USD"
    version = 'W/"1"'
    synced_at = factory.LazyFunction(timezone.now)
