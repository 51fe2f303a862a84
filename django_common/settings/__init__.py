"""Settings shared by both Django projects, split by environment as each project's are:
``base`` (every environment), ``production`` (Heroku) and ``test``. A project's
``config/settings/<environment>.py`` star-imports the shared module, then adds its own."""
