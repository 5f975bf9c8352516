from django.urls import path, register_converter

from articles import feeds, views
from articles.caching import GUIDELINES, listing, page_change_at
from articles.views.scheduling import apply_due_updates
from newsroom.page_cache import reader_page


class UnicodeSlugConverter:
    """Slugs may hold letters of any script (taggit and our slugs keep Unicode)."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(UnicodeSlugConverter, "uslug")


app_name = "articles"
urlpatterns = [
    path("", listing(views.HomeView.as_view()), name="home"),
    path("feed/", listing(feeds.LatestArticlesFeed(), is_html=False), name="feed"),
    path("feed/atom/", listing(feeds.LatestArticlesAtomFeed(), is_html=False), name="feed-atom"),
    path("tags/<uslug:slug>/feed/", listing(feeds.TagFeed(), is_html=False), name="tag-feed"),
    path(
        "tags/<uslug:slug>/feed/atom/",
        listing(feeds.TagAtomFeed(), is_html=False),
        name="tag-feed-atom",
    ),
    path(
        "authors/<uslug:slug>/feed/", listing(feeds.AuthorFeed(), is_html=False), name="author-feed"
    ),
    path(
        "authors/<uslug:slug>/feed/atom/",
        listing(feeds.AuthorAtomFeed(), is_html=False),
        name="author-feed-atom",
    ),
    path(
        "sections/<uslug:slug>/feed/",
        listing(feeds.SectionFeed(), is_html=False),
        name="section-feed",
    ),
    path(
        "sections/<uslug:slug>/feed/atom/",
        listing(feeds.SectionAtomFeed(), is_html=False),
        name="section-feed-atom",
    ),
    path(
        "sections/<uslug:slug>/",
        reader_page(apply_due_updates(views.SectionView.as_view())),
        name="section",
    ),
    path(
        "articles/<uslug:slug>/",
        reader_page(apply_due_updates(views.ArticleDetailView.as_view())),
        name="detail",
    ),
    path("tags/<uslug:slug>/", reader_page(apply_due_updates(views.TagView.as_view())), name="tag"),
    path(
        "authors/<uslug:slug>/",
        reader_page(apply_due_updates(views.AuthorView.as_view())),
        name="author",
    ),
    # Corrections and previews (robots.txt disallows /preview/).
    path("corrections/", listing(views.CorrectionsView.as_view()), name="corrections"),
    path("preview/articles/<int:pk>/", views.StaffPreviewView.as_view(), name="preview"),
    path("preview/s/<str:token>/", views.PreviewLinkView.as_view(), name="preview-link"),
    path("articles/<uslug:slug>/comments/", views.post_comment, name="comment-post"),
    path(
        "articles/<uslug:slug>/comments/live/",
        reader_page(views.live_comments),
        name="comment-live",
    ),
    path(
        "articles/<uslug:slug>/updates/live/",
        reader_page(views.live_updates),
        name="update-live",
    ),
    path("updates/<int:pk>/", views.update_permalink, name="update"),
    path("comments/<int:pk>/", views.comment_permalink, name="comment"),
    path("comments/<int:pk>/reply/", views.reply_comment, name="comment-reply"),
    path("comments/<int:pk>/edit/", views.edit_comment, name="comment-edit"),
    path("comments/<int:pk>/delete/", views.delete_comment, name="comment-delete"),
    path("comments/<int:pk>/report/", views.report_comment, name="comment-report"),
    path("comments/<int:pk>/react/", views.react_comment, name="comment-react"),
    path("comments/<int:pk>/feature/", views.feature_comment, name="comment-feature"),
    path("comments/<int:pk>/ignore/", views.ignore_commenter, name="comment-ignore"),
    path("comments/ignored/", views.ignored_commenters, name="ignored-commenters"),
    path("comments/<int:pk>/appeal/", views.appeal_comment, name="comment-appeal"),
    path(
        "comments/warnings/<int:pk>/acknowledge/",
        views.acknowledge_warning,
        name="warning-acknowledge",
    ),
    path("search/", listing(views.search), name="search"),
    path(
        "community-guidelines/",
        # The banner's expiry bounds it, as every reader page's.
        reader_page(views.community_guidelines, tags=[GUIDELINES], expires=page_change_at),
        name="guidelines",
    ),
    path(
        "articles/<uslug:slug>/share/mastodon/",
        views.share_on_mastodon,
        name="share-mastodon",
    ),
]
