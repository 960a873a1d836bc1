"""API shapes shared by every router."""

from typing import Annotated

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

from onewindow.common import limits

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


_PYDANTIC_MESSAGES = {
    "missing": "请填写{label}。",
    "int_parsing": "{label}应为整数。",
    "int_type": "{label}应为整数。",
    "date_from_datetime_parsing": "{label}应为日期（年-月-日）。",
    "date_parsing": "{label}应为日期（年-月-日）。",
    "date_type": "{label}应为日期（年-月-日）。",
    "greater_than_equal": "{label}不能小于{ge}。",
    "less_than_equal": "{label}不能大于{le}。",
    "bool_parsing": "{label}应为是或否。",
}


def validated(schema: type[Schema], data: dict):
    """`data` as `schema`, or a Django ValidationError whose messages are Chinese sentences
    keyed by field (pydantic's own messages are English and name no label)."""
    from django.core.exceptions import ValidationError
    from pydantic import ValidationError as PydanticError

    try:
        return schema.model_validate(data)
    except PydanticError as exc:
        errors: dict[str, list[str]] = {}
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "__all__"
            info = schema.model_fields.get(name)
            label = (info.title or info.description or name) if info else name
            if error["type"] == "string_too_long":
                limit, n = error["ctx"]["max_length"], len(error["input"])
                text = limits.MESSAGE % {"label": label, "limit": limit, "n": n}
            else:
                text = _PYDANTIC_MESSAGES.get(error["type"], "{label}格式不正确。")
                text = text.format(label=label, **error.get("ctx", {}))
            errors.setdefault(name, []).append(text)
        raise ValidationError(errors) from None
