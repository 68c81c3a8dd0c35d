"""gunicorn's settings for Repères (README, "Production"): `gunicorn -c gunicorn.conf.py cms.wsgi`.

Everything a département's IT may change is an environment variable:
- `BIND` (e.g. `unix:/run/reperes/gunicorn.sock` or `0.0.0.0:8000`), else `127.0.0.1:$PORT`
  (`PORT` default 8000): the reverse proxy in front of it terminates HTTPS.
- `GUNICORN_WORKERS` (default 2 × processors + 1, each a process of about 150 MB),
  `GUNICORN_THREADS` (default 1), `GUNICORN_TIMEOUT` (seconds, default 60: a printed selection of
  20 fiches is the longest request).
- Logs: gunicorn's own lines and one access line per request go to standard error, like
  Django's (cms/settings/production.py). The access line has the method, the path without its
  query string (what people search for is not logged), the status, the size, the duration and the
  request id (the response's X-Request-ID, cms/request_id.py).
"""

import os

bind = [os.environ.get("BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"]
workers = int(os.environ.get("GUNICORN_WORKERS") or 2 * (os.cpu_count() or 1) + 1)
threads = int(os.environ.get("GUNICORN_THREADS") or 1)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
graceful_timeout = 30
# Behind a reverse proxy on the same network: keep its connections open a little.
keepalive = 5
wsgi_app = "cms.wsgi:application"
# No control socket (gunicorn 25+ makes one in $HOME by default): systemd starts and stops the
# server, and two instances on one machine would share its path.
control_socket_disable = True
access_log_format = "%(m)s %(U)s %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "line"},
    },
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
    },
}
