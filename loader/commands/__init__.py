"""The verbs of the command line, one module each; cli.py parses and dispatches here."""
