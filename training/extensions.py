"""What training adds to coe's layout: the "Training" navigation entry (My learning, for everyone
signed in) and the home page's panel of the person's due and overdue training."""

from __future__ import annotations

from coe.extensions import HomePanel, register_home_panel
from coe.navigation import NavItem
from coe.navigation import register as register_nav_items


def _can_learn(user) -> bool:
    from training import permissions

    return permissions.can_learn(user)


def _training_home_panel(user):
    """The person's open assigned training (overdue first), or nothing when none is assigned."""
    from training.selectors.my_learning import home_panel

    return home_panel(user=user)


def register() -> None:
    register_nav_items(NavItem("Training", "training:my_learning", _can_learn, order=55))
    register_home_panel(
        HomePanel(
            key="training", template="training/partials/_home_training.html", context=_training_home_panel, order=6
        )
    )
