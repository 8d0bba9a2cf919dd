from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles_after_migrate(sender, apps=None, **kwargs) -> None:
    from django.apps import apps as global_apps

    from coe.roles import sync_role_groups

    # ``apps`` is missing when the signal comes from ``flush`` (e.g. between transactional tests).
    sync_role_groups(apps or global_apps)


class CoeConfig(AppConfig):
    name = "coe"
    verbose_name = "CoE: people, departments and roles"

    def ready(self) -> None:
        from coe import navigation

        navigation.register_coe_items()
        from coe.selectors.steering import register_home_panel as register_steering_panel

        register_steering_panel()  # the person's own steering action items on the home page
        # coe is the last installed app, so when its post_migrate fires every app's permissions
        # exist and the role groups can be granted all of theirs.
        post_migrate.connect(_sync_roles_after_migrate, sender=self, dispatch_uid="coe_sync_roles")
