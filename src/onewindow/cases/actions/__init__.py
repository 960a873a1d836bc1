"""The move registry: every action a person takes on a case or a 一件事 is declared once
(`case_actions`, `combined_actions`) with its transition(s), who may take it (cases.permissions),
when it applies, its input schema, the service it calls, its form partial and the notice it
prints. The case pages, the API, the navigation and the tests read it from here."""

from onewindow.cases.actions.registry import (
    Action,
    Offer,
    offers,
    perform,
    read_form,
)

__all__ = ["Action", "Offer", "offers", "perform", "read_form"]
