"""``{% fragment fragments "name" %}…{% endfragment %}``: a part of a reader page printed from
the shared cache when it holds it, else rendered (and kept); see ``newsroom/fragments.py``.

``fragments`` is the view's ``FragmentSet``; without one (a page that keeps no fragments),
the body is rendered as any template's.
"""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, fragments, name, nodelist):
        self.fragments = fragments
        self.name = name
        self.nodelist = nodelist

    def render(self, context):
        fragments = self.fragments.resolve(context, ignore_failures=True)
        if fragments is None:
            return self.nodelist.render(context)
        name = self.name.resolve(context)
        # Stored as text; printed as the HTML it was when it was rendered.
        return mark_safe(fragments.value(name, lambda: str(self.nodelist.render(context))))  # noqa: S308


@register.tag
def fragment(parser, token):
    try:
        _tag, fragments, name = token.split_contents()
    except ValueError:
        raise template.TemplateSyntaxError(
            '{% fragment %} takes a FragmentSet and a name: {% fragment fragments "text" %}'
        ) from None
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(parser.compile_filter(fragments), parser.compile_filter(name), nodelist)
