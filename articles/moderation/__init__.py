"""The pre-check chain a comment goes through before it is saved, and its dry run.

``checks``: ``Verdict``, ``CheckContext``, ``run_checks`` and the built-in checks (word
rules, links, pre-moderation, the trust ladder, email domains); ``adapters``: the optional
outside services (Akismet, a toxicity model); ``dry_run``: the admin's "Test against recent
comments". The chain is ``settings.NEWSROOM_COMMENT_CHECKS``.
"""
