"""The streamed chat of factories_chat_async.py, read with aiohttp instead of the openai package: an
`async def invoke` that parses the server-sent events itself, the choice for thousands of long streams
per worker.

Why not the openai package here: it builds a typed object for every chunk. Measured on one CPython 3.11
process against the endpoint simulator (200 streams at once, 50 chunks each): openai.AsyncOpenAI spends
about 196 us of CPU per chunk (174 us on uvloop), this file about 97 us on asyncio's loop and 41 us on
uvloop's. At 10,000 streams of one chunk a second, that is two cores against under half of one.

Because invoke is `async def`, each worker process runs ONE event loop (uvloop's when it is installed,
see factories/requirements.txt) and every request is a coroutine on it, not a thread: one worker holds
thousands of streams at once (up to the sampler's asyncRequestsPerWorker, 10,000 by default; beyond it
requests wait, and the wait is their queue time). The session is made once per worker, in
invoke_factory, on that loop, with a connection pool as large as the requests it may hold.

invoke returns the same measurements as the other chat examples (aiperf's definitions, the same as the
native --openai sampler's): token_times_ms, when each chunk carrying content arrived in ms from the
request's start; output_tokens and input_tokens from the server's usage (None: the chunks are counted).
A status other than 200 raises aiohttp's ClientResponseError, which carries the status; an error event
inside the stream (vLLM sends one when generation fails midway) raises with the server's message.

Against the endpoint simulator:

    ./benchmark --factories-file factories/openai_compatible/factories_chat_aiohttp.py \
        --simulate=ttft=200ms,itl=20ms --client-rps 5 --obs-time 10

Against a real server: run without --simulate and point it at the server with IB_ENDPOINT_URL
(the server's root, e.g. http://gpu-host:8000; /v1 is added) or OPENAI_BASE_URL (e.g.
https://api.openai.com/v1), with OPENAI_API_KEY (sent as a bearer token, never logged) and
--endpoint-name set to the served model's name.

    python3 -m pip install -r factories/requirements.txt
"""
import json
import os
import time

MAX_TOKENS = 64
# Connections one worker may open: as many as the requests it may have in flight (asyncRequestsPerWorker).
MAX_CONNECTIONS = 10_000
QUESTIONS = [
    "What is the capital of France?",
    "Explain keep-alive connections in one paragraph.",
    "Write a haiku about load testing.",
    "List three uses of a percentile.",
]


def chat_url():
    """IB_ENDPOINT_URL (a server's root, as --simulate sets it) with /v1 added, else OPENAI_BASE_URL, else OpenAI's."""
    url = os.environ.get("IB_ENDPOINT_URL")
    if url:
        url = url.rstrip("/")
        url = url if url.endswith("/v1") else url + "/v1"
    else:
        url = os.environ.get("OPENAI_BASE_URL", "https://api.openai.com/v1").rstrip("/")
    return url + "/chat/completions"


async def invoke_factory(endpoint_name=None):
    # Once per worker process, on its event loop: the session and its connection pool serve every request.
    import aiohttp  # imported here so a missing package is reported when the workers start

    url = chat_url()
    model = endpoint_name or os.environ.get("IB_MODEL", "simulated-model")
    headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
    if os.environ.get("OPENAI_API_KEY"):
        headers["Authorization"] = "Bearer " + os.environ["OPENAI_API_KEY"]
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=MAX_CONNECTIONS),
                                    timeout=aiohttp.ClientTimeout(total=300), headers=headers)
    dumps, loads = json.dumps, json.loads
    perf_counter = time.perf_counter

    async def invoke(payload):
        # Once per request, as a coroutine on the worker's event loop. Raise to fail the request.
        body = dumps(dict(payload, model=model, stream=True, stream_options={"include_usage": True})).encode("utf-8")
        started = perf_counter()
        token_times, usage = [], None
        async with session.post(url, data=body) as response:
            response.raise_for_status()  # ClientResponseError: 429, message='...' fails the request
            async for line in response.content:  # one line at a time; an event is "data: {json}" then a blank line
                if not line.startswith(b"data:"):
                    continue  # blank lines, comments (": keep-alive"), event names
                data = line[5:].strip()
                if data == b"[DONE]":
                    break
                chunk = loads(data)
                if "error" in chunk:
                    raise RuntimeError("the server ended the stream with an error: %s" % chunk["error"])
                if chunk.get("usage"):
                    usage = chunk["usage"]
                for choice in chunk.get("choices") or ():
                    if (choice.get("delta") or {}).get("content"):
                        token_times.append((perf_counter() - started) * 1000.0)
                        break
        return {
            "status": response.status,
            "input_tokens": usage.get("prompt_tokens") if usage else None,
            "output_tokens": usage.get("completion_tokens") if usage else None,  # None: chunks are counted
            "token_times_ms": token_times,
        }

    return invoke


def payload_factory():
    # The request's fields but the model (invoke_factory knows it), one dict per request in turn.
    return {"pre_computed": True,
            "input": [{"messages": [{"role": "user", "content": q}], "max_tokens": MAX_TOKENS} for q in QUESTIONS]}
