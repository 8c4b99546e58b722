"""The exit codes of every ``tutor`` command, in a module of their own so that the commands need not import main
(which imports them)."""

EXIT_OK = 0  # success: every answer given and right
EXIT_WRONG = 1  # some answer wrong or missing
EXIT_UNUSABLE = 2  # unusable input: a bad file, argument or transcript
