from io import StringIO
from pathlib import Path

from django.core.management import call_command

import pytest

from tests.factories import png_bytes

DATA = Path(__file__).parent / "data"


@pytest.fixture
def export_path() -> Path:
    return DATA / "wordpress.xml"


@pytest.fixture
def uploads(tmp_path) -> Path:
    """A copy of the site's wp-content/uploads: the original of the featured image (the post
    shows WordPress's resized copy of it) and a gallery picture."""
    folder = tmp_path / "uploads" / "2019" / "03"
    folder.mkdir(parents=True)
    (folder / "ferry.jpg").write_bytes(png_bytes(1600, 1200, "JPEG"))
    (folder / "quay.png").write_bytes(png_bytes(640, 480))
    return tmp_path / "uploads"


def run_import(path, *args, **options) -> str:
    out = StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out, **options)
    return out.getvalue()
