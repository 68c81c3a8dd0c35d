"""What the public URLs accept, one rule each, so that no input reaches the database in a form
it refuses and fails the request: a number beyond its integers, a NUL character in a string
(PostgreSQL refuses both; SQLite refuses the first).

- `<id:…>` and `<text:…>` in a URL pattern (registered by the app's ready()): an id of a row,
  at most MAX_ID; a segment of text without control characters. Anything else matches no URL,
  so the answer is the site's "page introuvable";
- `RowId` and `QueryText` for the parameters of the read API: the same rules, answered with a
  422 and the API's French message ("Paramètre invalide : …").

Text read from a query string by the HTML views is cleaned instead (control characters
dropped, see fiches.commune_choice.clean_text): a search keeps working.
"""

from typing import Annotated

from pydantic import Field

# The largest id a page (Wagtail's `Page.id`, an integer column on PostgreSQL) can have; ids of
# the other tables read through a public URL stay below it too.
MAX_ID = 2**31 - 1


class IdConverter:
    """`<id:pk>`: 1 to 10 digits naming a possible row, as an int."""

    regex = "[0-9]{1,10}"

    def to_python(self, value):
        number = int(value)
        if number > MAX_ID:
            raise ValueError("beyond any row id")  # the pattern does not match: a 404
        return number

    def to_url(self, value):
        return str(value)


class TextConverter:
    """`<text:slug>`: a path segment without control characters (NUL, newlines)."""

    regex = "[^/\x00-\x1f\x7f]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


RowId = Annotated[int, Field(ge=1, le=MAX_ID)]
QueryText = Annotated[str, Field(pattern="^[^\x00-\x1f\x7f]*$")]
