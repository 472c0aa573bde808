# Production: gunicorn -c deploy/gunicorn.conf.py 'service.http.app:create_app()'
from service.operations.gunicorn_config import *  # noqa: F403
from service.operations.gunicorn_config import post_worker_init as _shared_post_worker_init


def post_worker_init(worker: object) -> None:
    """Build the PDF fonts' plain copies before the worker serves (else its first dossier
    pays for them), then the shared hook, which freezes them with the rest."""
    from service.documents import pdf

    pdf.warm_up()
    _shared_post_worker_init(worker)
