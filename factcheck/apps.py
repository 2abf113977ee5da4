"""The project's own start-up: what must exist on disk before anything runs.

Settings only read the environment; importing them creates nothing (a tool that imports them, a
check, a test, must leave the disk as it found it). The directories the workbench writes to are
made here, when Django starts (web, worker, command or test run), before any database connection
(SQLite lives in DATA_DIR) or message (the filesystem broker's folders).
"""

from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


def data_directories() -> list[Path]:
    """Every directory the workbench writes to, for the current settings."""
    folders = [Path(settings.DATA_DIR), Path(settings.STATIC_ROOT), Path(settings.MEDIA_ROOT)]
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        folders += [
            Path(options[key])
            for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")
        ]
    return folders


class FactcheckConfig(AppConfig):
    name = "factcheck"
    verbose_name = "Fact-check workbench"

    def ready(self) -> None:
        for folder in data_directories():
            folder.mkdir(parents=True, exist_ok=True)
