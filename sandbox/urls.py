"""The imitated supplier APIs under /sandbox/: one part per supplier, each with its own URLs.

Every part's URL names share the `sandbox` namespace (`reverse("sandbox:token")`).
"""

from django.urls import include, path

app_name = "sandbox"

urlpatterns = [
    path("cint/", include("sandbox.cint.urls")),
    path("purespectrum/", include("sandbox.purespectrum.urls")),
    path("audience-align/", include("sandbox.audience_align.urls")),
]
