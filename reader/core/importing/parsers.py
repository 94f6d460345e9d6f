"""lxml HTML parsers whose elements cost no Python call to create.

lxml.html's parsers pick each element's class in a Python method
(HtmlElementClassLookup.lookup), called every time Python touches an element
it holds no reference to: over a million calls for 200 pages, about a tenth of
the extraction's time. The same classes chosen by lxml's C lookups (by tag
name, then the default HtmlElement) give the same elements for nothing.
"""

from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html

_LOOKUP = etree.ElementNamespaceClassLookup(
    etree.ElementDefaultClassLookup(
        element=lxml_html.HtmlElement,
        comment=lxml_html.HtmlComment,
        pi=lxml_html.HtmlProcessingInstruction,
        entity=lxml_html.HtmlEntity,
    )
)
# <form>, <input>, <select>, <textarea>, <label>: lxml.html's own classes for them
_LOOKUP.get_namespace(None).update(lxml_html.HtmlElementClassLookup._default_element_classes)


def html_parser(*, huge_tree: bool = True, encoding: str | None = None) -> lxml_html.HTMLParser:
    """A new parser (parsers are not thread-safe). huge_tree: libxml2 otherwise
    drops a text node over 10 MB (a long page without markup came out as
    "no readable text")."""
    parser = lxml_html.HTMLParser(huge_tree=huge_tree, encoding=encoding)
    parser.set_element_class_lookup(_LOOKUP)
    return parser
