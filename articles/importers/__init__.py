"""Bringing a site in from elsewhere: readers of export files (``wxr``, ``disqus``), what
their HTML becomes (``wordpress_content``), and the importers that write through
``articles.services`` (``wordpress``)."""
