from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/comments/", views.comment_history, name="comments"),
    path("profile/data/", views.download_data, name="data"),
    path("profile/delete/", views.delete_account, name="delete"),
    path("email/resend/", views.resend_verification, name="resend-verification"),
]
