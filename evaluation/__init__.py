"""Evaluation commands: ``python -m evaluation.<name>`` prints figures and gates on floors."""
