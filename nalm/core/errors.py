"""The one exception type the CLI turns into a one-line message and a non-zero exit."""


class UserError(Exception):
    """A bad user-facing input: the message names the value and what was expected."""
