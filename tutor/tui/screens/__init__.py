"""Screens of the tutor."""
