# Production: gunicorn -c deploy/gunicorn.conf.py 'service.app:create_app()'
from service.gunicorn_config import *  # noqa: F403
