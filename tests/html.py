"""Pages read as a browser reads them: elements found by XPath in the parsed document, whatever
the quoting and the order of their attributes (the admin's pages are minified,
cms/middleware.py). A test that looked for `name="owners"` in the admin's text would find it
absent whether the field is there or not."""

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
