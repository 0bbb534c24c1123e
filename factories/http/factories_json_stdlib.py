"""A plain JSON service over HTTP keep-alive, standard library only: the cheapest client here.

POST {IB_ENDPOINT_URL}/invocations (or /endpoints/NAME/invocations with --endpoint-name NAME), a
pre-computed JSON body in, a JSON body out; invoke returns the status and the bytes received and
raises on an HTTP error. One http.client connection per thread, kept alive. Nothing to install:
this is the README's first command, the JMeter template's default file and what bench/bridge
measures. factories_json.py does the same with requests, and a payload built per request.

Against the endpoint simulator (--simulate starts it and sets IB_ENDPOINT_URL for the workers):

    ./benchmark --factories-file factories/http/factories_json_stdlib.py --simulate=latency=50ms --client-rps 50 --obs-time 20

Against a real service: run without --simulate, with IB_ENDPOINT_URL=https://your-host[:port][/prefix]
(the path above is added to it; change `suffix` below if yours differs). An API key belongs in the
environment, read here and added to `headers`, never in this file.
"""
import http.client
import json
import os
import threading
from urllib.parse import urlsplit


def invoke_factory(endpoint_name=None):
    # Once per worker process: everything reusable lives here, shared by the worker's threads.
    url = urlsplit(os.environ.get("IB_ENDPOINT_URL", "http://127.0.0.1:8080"))
    suffix = "/endpoints/%s/invocations" % endpoint_name if endpoint_name else "/invocations"
    path = url.path.rstrip("/") + suffix
    connection_type = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    local = threading.local()  # one keep-alive connection per thread: http.client is not thread-safe

    def invoke(payload):
        # Once per request.
        connection = getattr(local, "connection", None)
        if connection is None:
            connection = local.connection = connection_type(url.hostname, url.port, timeout=60)
        try:
            connection.request("POST", path, body=payload, headers=headers)
            response = connection.getresponse()
            body = response.read()
        except (http.client.HTTPException, OSError):
            connection.close()
            local.connection = None  # a fresh connection for the next request
            raise
        if response.status >= 400:
            raise RuntimeError("%d/%s" % (response.status, response.reason))
        return {"status": response.status, "response_bytes": len(body)}

    return invoke


def payload_factory():
    # Pre-computed: the JSON bytes are built once, so a request spends nothing on serialising.
    rows = [[round(0.01 * i + 0.1 * j, 3) for j in range(8)] for i in range(200)]
    return {"pre_computed": True, "input": [json.dumps({"instances": [row]}).encode("utf-8") for row in rows]}
