from django.urls import path

from vanthu.notifications.consumers import NotificationConsumer

websocket_urlpatterns = [
    path("ws/thong-bao/", NotificationConsumer.as_asgi()),
]
