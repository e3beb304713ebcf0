"""gunicorn reads this file from the directory it starts in (make serve, the fault tests, production
started from the checkout): its error and access logs name routes, never paths or query strings."""

from dbtselfhelp.logs import gunicorn_logger_class

logger_class = gunicorn_logger_class()
