import pytest


@pytest.fixture(scope="session")
def corpus_media(tmp_path_factory):
    return tmp_path_factory.mktemp("corpus-media")


@pytest.fixture(autouse=True)
def media(settings, corpus_media):
    """One media folder for the module's shared corpus site, whose images every test reads
    (the suite's own ``media`` gives each test a new, empty folder)."""
    settings.MEDIA_ROOT = corpus_media
    return corpus_media
