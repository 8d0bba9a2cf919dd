from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Training: modules, quizzes, certification"

    def ready(self) -> None:
        from training import extensions

        extensions.register()
