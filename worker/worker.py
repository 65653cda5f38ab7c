"""Entry point of the rq worker process: python -m worker.worker."""
import logging

from rq import Queue, Worker

from worker.context import get_app, redis_from_app


def main():
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    app = get_app()
    connection = redis_from_app(app)
    queue = Queue(app.config["RQ_QUEUE"], connection=connection)
    Worker([queue], connection=connection).work()


if __name__ == "__main__":
    main()
