"""Pages read as a browser reads them: elements found by XPath in the parsed document, whatever
the quoting and the order of their attributes. A test that looks for `name="owners"` in a page's
text says whether the HTML is written that way, not whether the field is there (a minifier or a
Wagtail upgrade that writes `name=owners` would make "absent" checks pass whatever the page)."""

import lxml.html


def document(page):
    """The parsed page; `page`: a response or its text."""
    content = getattr(page, "content", page)
    content = content if isinstance(content, bytes) else content.encode()
    return lxml.html.fromstring(content if content.strip() else b"<html></html>")  # a redirect


def find(page, xpath):
    return document(page).xpath(xpath)


def has(page, xpath):
    return bool(find(page, xpath))
