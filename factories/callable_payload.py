"""A payload built for every request (payload_factory returns a callable), over HTTP keep-alive.

Use this mode when payloads must differ per request or a pre-computed list would not fit in
memory. Building the payload is not part of the request's measured time, but it does cost client
CPU: keep it cheap, or pre-compute.

    benchmark --factories-file factories/callable_payload.py --simulate --client-rps 10 --obs-time 10
"""
import http.client
import json
import os
import random
import threading
from urllib.parse import urlsplit


def invoke_factory(endpoint_name=None):
    url = urlsplit(os.environ.get("IB_ENDPOINT_URL", "http://127.0.0.1:8080"))
    path = url.path.rstrip("/") + ("/endpoints/%s/invocations" % endpoint_name if endpoint_name else "/invocations")
    local = threading.local()

    def invoke(payload):
        connection = getattr(local, "connection", None)
        if connection is None:
            connection = local.connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        try:
            connection.request("POST", path, body=payload, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            body = response.read()
        except (http.client.HTTPException, OSError):
            connection.close()
            local.connection = None
            raise
        if response.status >= 400:
            raise RuntimeError("%d/%s" % (response.status, response.reason))
        return {"status": response.status, "response_bytes": len(body)}

    return invoke


def random_instances():
    rows = random.randint(1, 4)
    return json.dumps({"instances": [[round(random.random(), 4) for _ in range(8)] for _ in range(rows)]}).encode("utf-8")


def payload_factory():
    return {"pre_computed": False, "input": random_instances}
