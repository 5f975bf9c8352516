"""Reading a page's <head> as crawlers and social networks do."""

from html.parser import HTMLParser


class HeadParser(HTMLParser):
    """Collects the <head>: title, meta tags (name/property -> list of contents), links, JSON-LD."""

    def __init__(self):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict] = []
        self.title = ""
        self.json_ld: list[str] = []
        self.scripts: list[dict] = []
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("name" in attrs or "property" in attrs):
            key = attrs.get("property") or attrs["name"]
            self.meta.setdefault(key, []).append(attrs.get("content"))
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "title":
            self._in = "title"
        elif tag == "script":
            self.scripts.append(attrs)
            if attrs.get("type") == "application/ld+json":
                self._in = "json"
                self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag in {"title", "script"}:
            self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "json":
            self.json_ld[-1] += data

    def one(self, key):
        values = self.meta.get(key, [])
        assert len(values) == 1, (key, values)
        return values[0]

    def link(self, rel, type_=None):
        return [
            link["href"]
            for link in self.links
            if link.get("rel") == rel and (type_ is None or link.get("type") == type_)
        ]


def head(client, url) -> HeadParser:
    response = client.get(url)
    assert response.status_code == 200
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser
