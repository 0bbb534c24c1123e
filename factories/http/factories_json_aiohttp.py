"""A plain JSON service over HTTP as an `async def invoke`, with aiohttp: thousands of requests in flight
per worker, for slow endpoints (long generations, queues) at a high rate.

POST {IB_ENDPOINT_URL}/invocations (or /endpoints/NAME/invocations with --endpoint-name NAME), a
pre-computed JSON body in, a JSON body out; invoke returns the status and the bytes received and raises
on an HTTP error (aiohttp's ClientResponseError carries the status, so a 503 is reported as 503).

Because invoke is `async def`, each worker process runs ONE asyncio event loop and every request is a
coroutine on it, not a thread: at 500 requests/s of 10 s answers, 5,000 are in flight, which one worker
holds (up to the sampler's asyncRequestsPerWorker, 10,000 by default), where a plain `def invoke` stops at
its 256 threads. invoke_factory is `async def` too: an aiohttp session must be made on the loop that
uses it, and the worker awaits invoke_factory once on that loop. The connector's limit is raised from
aiohttp's 100 connections, which would otherwise cap the requests in flight.

Against the endpoint simulator (--simulate starts it and sets IB_ENDPOINT_URL for the workers):

    ./benchmark --factories-file factories/http/factories_json_aiohttp.py --simulate=latency=10s \
        --client-rps 500 --obs-time 30 --workers 1

Against a real service: run without --simulate, with IB_ENDPOINT_URL=https://your-host[:port][/prefix]
(the path above is added to it; change `suffix` below if yours differs). An API key belongs in the
environment, read here and added to `headers`, never in this file.

    python3 -m pip install -r factories/requirements.txt
"""
import json
import os

# Connections one worker may open: as many as the requests it may have in flight (asyncRequestsPerWorker).
MAX_CONNECTIONS = 10_000


async def invoke_factory(endpoint_name=None):
    # Once per worker process, on its event loop: the session and its connection pool serve every request.
    import aiohttp  # imported here so a missing package is reported when the workers start

    base = os.environ.get("IB_ENDPOINT_URL", "http://127.0.0.1:8080").rstrip("/")
    suffix = "/endpoints/%s/invocations" % endpoint_name if endpoint_name else "/invocations"
    url = base + suffix
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=MAX_CONNECTIONS),
                                    timeout=aiohttp.ClientTimeout(total=300), headers=headers)

    async def invoke(payload):
        # Once per request, as a coroutine on the worker's event loop.
        async with session.post(url, data=payload) as response:
            body = await response.read()
            response.raise_for_status()  # ClientResponseError: 500, message='...' fails the request
            return {"status": response.status, "response_bytes": len(body)}

    return invoke


def payload_factory():
    # Encoded once: a request costs no JSON work in the client.
    rows = [[0.5, 1.5, 2.5, 3.5], [4.0, 3.0, 2.0, 1.0], [0.1, 0.2, 0.3, 0.4]]
    return {"pre_computed": True, "input": [json.dumps({"instances": [row]}).encode("utf-8") for row in rows]}
