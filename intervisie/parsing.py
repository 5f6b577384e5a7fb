"""Reading what a form or a request sends."""


def posted_number(value: str) -> int | None:
    """A whole number typed or sent in a form field, or None ('¹' is a digit, yet no int)."""
    return int(value) if value.isdecimal() and len(value) <= 18 else None
