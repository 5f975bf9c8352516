import os

import pytest
from hypothesis import settings as hypothesis_settings


@pytest.fixture(scope="session")
def corpus_media(tmp_path_factory):
    return tmp_path_factory.mktemp("corpus-media")


@pytest.fixture(autouse=True)
def media(settings, corpus_media):
    """One media folder for the module's shared corpus site, whose images every test reads
    (the suite's own ``media`` gives each test a new, empty folder)."""
    settings.MEDIA_ROOT = corpus_media
    return corpus_media


# Hypothesis: derandomized, so CI runs the same examples every time and a failure is seen
# again on the next run; HYPOTHESIS_PROFILE=explore searches further, at random, locally.
hypothesis_settings.register_profile(
    "ci", max_examples=150, derandomize=True, database=None, deadline=None, print_blob=True
)
hypothesis_settings.register_profile("explore", max_examples=3000, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
