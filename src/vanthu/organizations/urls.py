from django.urls import URLPattern

app_name = "organizations"
urlpatterns: list[URLPattern] = []
