"""OneWindow (一窗通办): one-window government services for a county hall."""

__version__ = "0.1.0"
