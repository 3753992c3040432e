"""The one exception type whose message is meant for the user."""


class InputError(ValueError):
    """Bad input from the user; the message says what is wrong and how to fix it, in one sentence."""


class TrainingStopped(Exception):
    """Training ended early because the user (or an idle-job watchdog) asked it to stop; nothing is stored."""
