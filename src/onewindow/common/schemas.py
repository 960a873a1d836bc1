"""API shapes shared by every router."""

from typing import Annotated

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

# A row id in a path or a filter: positive and within a 32-bit column, so a huge number is a
# clear 400 before any query rather than an overflow inside the database driver.
Id = Annotated[int, Field(ge=1, le=2_147_483_647)]


class Problem(Schema):
    """Every refusal: a Chinese sentence, and the problems by field where there are any."""

    detail: str
    errors: dict[str, list[str]] | list[str] | None = None


class Pages(PageNumberPagination):
    """Page-number pages with the page bounded (an offset past 64 bits breaks the query)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=100_000)
        page_size: int | None = Field(None, ge=1, le=100)
