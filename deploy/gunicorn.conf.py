# Production: gunicorn -c deploy/gunicorn.conf.py 'service.http.app:create_app()'
from service.operations.gunicorn_config import *  # noqa: F403
