from django.urls import path

from . import views

app_name = "preferences"
urlpatterns = [path("preferences/", views.preferences, name="preferences")]
