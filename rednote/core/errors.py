"""The one exception type for problems a user can cause and fix (bad input, bad params, missing model)."""


class UserError(Exception):
    """A problem the user can fix, described in one sentence: what is wrong, where, and what to do.

    Stage scripts print the message without a traceback and exit with status 1 (see
    :func:`rednote.core.stage.run`). Bugs are not ``UserError``: they raise normally.
    """
