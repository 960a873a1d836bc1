"""How a refused action is shown: a ValidationError's messages by field for a form, or one line
for a flash message; a PermissionDenied as its sentence."""

from django.core.exceptions import PermissionDenied, ValidationError


def error_dict(exc: ValidationError | PermissionDenied) -> dict[str, list[str]]:
    if isinstance(exc, PermissionDenied):
        return {"__all__": [str(exc)]}
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


def error_text(exc: ValidationError | PermissionDenied) -> str:
    return "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
