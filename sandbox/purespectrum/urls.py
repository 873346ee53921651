"""The imitated PureSpectrum Buy API, included at /sandbox/purespectrum/ (`buyers/v2/…`).

URL names live in the `sandbox` namespace, prefixed `ps_`."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from . import views
from .wire import PsError, methods

V2 = "buyers/v2/"
SURVEY = V2 + "surveys/<int:survey_id>"


@login_not_required
@csrf_exempt
def not_found(request, rest=""):
    return PsError(404, 1004, f"No such endpoint: {request.method} {request.path}").response()


urlpatterns = [
    path(V2 + "surveys", methods(GET=views.list_surveys, POST=views.create_survey), name="ps_surveys"),
    path(SURVEY, methods(GET=views.get_survey, PATCH=views.patch_survey), name="ps_survey"),
    path(SURVEY + "/status", methods(PUT=views.set_status), name="ps_survey_status"),
    path(SURVEY + "/performance", methods(GET=views.performance), name="ps_performance"),
    path(SURVEY + "/quotas", methods(GET=views.list_quotas), name="ps_quotas"),
    path(
        SURVEY + "/quotas/<str:buyer_quota_id>",
        methods(PUT=views.put_quota, PATCH=views.patch_quota),
        name="ps_quota",
    ),
    path(
        V2 + "adjustments/surveys/<int:survey_id>",
        methods(GET=views.list_adjustments, POST=views.submit_adjustment),
        name="ps_survey_adjustments",
    ),
    path(V2 + "adjustments/<str:adjustment_id>", methods(GET=views.get_adjustment), name="ps_adjustment"),
    re_path(r"^(?P<rest>.*)$", not_found),
]
