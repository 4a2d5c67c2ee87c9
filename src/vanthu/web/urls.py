from django.urls import include, path
from django.views.generic import TemplateView

app_name = "web"
urlpatterns = [
    path("", TemplateView.as_view(template_name="web/home.html"), name="home"),
    path("van-ban-den/<int:pk>/", TemplateView.as_view(template_name="web/home.html"), name="incoming_detail"),
    path("dang-nhap/", TemplateView.as_view(template_name="web/home.html"), name="login"),
    # Owned by other modules; keep these includes.
    path("so-van-ban/", include("vanthu.web.registers_urls")),
    path("thong-bao/", include("vanthu.notifications.urls")),
    path("quan-tri/", include("vanthu.organizations.urls")),
]
