"""A plain JSON service over HTTP (a Flask/FastAPI model server, a SageMaker-compatible container
on its own port, ...), called with the requests library.

Each request POSTs a JSON body to {IB_ENDPOINT_URL}/invocations (or /endpoints/NAME/invocations with
--endpoint-name NAME) and reads the answer; invoke returns the status and the bytes received, and
raises on an HTTP error, which fails the request.

The payload is built per request (payload_factory returns a callable): use this mode when every
request must differ (random features, unique ids) or the payloads would not fit in memory. It is
not part of the request's measured time, but it costs client CPU: keep it cheap. A fixed set of
payloads is cheaper pre-computed (factories_json_stdlib.py does that, with no package at all).

Against the endpoint simulator:

    ./benchmark --factories-file factories/http/factories_json.py --simulate=latency=20ms --client-rps 20 --obs-time 10

Against a real service: run without --simulate, with IB_ENDPOINT_URL=https://your-host[:port][/prefix]
and, if the path differs, PATH below changed to it. Put an API key in the environment (e.g.
IB_API_KEY) and add it to the Session's headers in invoke_factory: never into this file.

    python3 -m pip install -r factories/requirements.txt
"""
import json
import os
import random
import threading

FEATURES = 8


def invoke_factory(endpoint_name=None):
    # Once per worker process.
    import requests  # imported here so a missing package is reported when the workers start

    base = os.environ.get("IB_ENDPOINT_URL", "http://127.0.0.1:8080").rstrip("/")
    url = base + ("/endpoints/%s/invocations" % endpoint_name if endpoint_name else "/invocations")
    local = threading.local()  # a Session per thread: a Session's connection pool is not meant to be shared

    def invoke(payload):
        session = getattr(local, "session", None)
        if session is None:  # first request on this thread: one keep-alive connection from now on
            session = local.session = requests.Session()
            session.headers["Content-Type"] = "application/json"
        response = session.post(url, data=payload, timeout=60)
        response.raise_for_status()  # HTTPError: 500 Server Error: ... fails the request
        return {"status": response.status_code, "response_bytes": len(response.content)}

    return invoke


def random_rows():
    rows = random.randint(1, 4)
    return json.dumps({"instances": [[round(random.random(), 4) for _ in range(FEATURES)] for _ in range(rows)]}).encode("utf-8")


def payload_factory():
    return {"pre_computed": False, "input": random_rows}
