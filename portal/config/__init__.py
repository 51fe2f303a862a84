"""Settings, URLs and WSGI entry point of the advisor portal."""
