"""The one error type for problems a user can fix; entry points turn it into one line and exit code 2."""


class PipelineError(Exception):
    """A problem the user can fix (bad param, missing folder, bad data): reported as one line."""
