from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = "Publishing: channels, posts, approvals, calendar"

    def ready(self) -> None:
        from publishing import extensions

        extensions.register()
