"""Celery with chunks as a user runs it: JSONL of kwargs in, JSONL of results out, in order.

The worker: `celery -A celery_map worker --concurrency N` (BENCH_REDIS names the broker and the
result backend). The producer: celery_map.py FUNCTION INPUT OUTPUT CHUNKSIZE
"""

import json
import os
import sys

import bench_functions
from celery import Celery

REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/0")
app = Celery("celery_map", broker=REDIS, backend=REDIS)
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
)


@app.task(name="call")
def call(name, kwargs):
    return getattr(bench_functions, name)(**kwargs)


def main(argv):
    name, src, dst, chunksize = argv[1], argv[2], argv[3], int(argv[4])
    with open(src) as lines:
        args = [(name, json.loads(line)) for line in lines]
    result = call.chunks(args, chunksize).apply_async()
    with open(dst, "w") as out:
        for chunk in result.get(timeout=3600, disable_sync_subtasks=False):
            for value in chunk:
                out.write(json.dumps(value) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
