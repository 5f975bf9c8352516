"""What a screen-reader user and a phone reader would trip over on a page, checked in the
browser: ``page.evaluate(AUDIT_JS)`` answers a list of problems, empty when all is well."""

from pathlib import Path

AUDIT_JS = Path(__file__).with_name("audit.js").read_text()
