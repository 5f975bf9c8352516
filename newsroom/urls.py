import re

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path

from articles import sitemaps
from articles.views.robots import robots_txt
from newsroom import views

handler500 = views.server_error

urlpatterns = [
    path("", include("articles.urls")),
    # Our account pages first: /accounts/profile/ is ours, not allauth's.
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("health/", views.health, name="health"),
    path("robots.txt", robots_txt, name="robots"),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-<section>.xml", sitemaps.section, name="sitemap-section"),
]

if settings.NEWSROOM_SERVE_MEDIA:
    # One box without a front server for uploads (docs/DEPLOY.md).
    media_prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    urlpatterns += [re_path(rf"^{media_prefix}(?P<path>.*)$", views.media)]
elif settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
