"""The one exception type the CLI turns into a one-line message and a non-zero exit."""


class UserError(Exception):
    """A bad user-facing input: the message names the value and what was expected.

    Its text is one line whatever the value holds: unprintable characters (a newline or a NUL
    in a path) are written as escapes."""

    def __str__(self) -> str:
        return "".join(char if char.isprintable() else repr(char)[1:-1] for char in super().__str__())
