"""The streamed chat of factories_chat.py as an `async def invoke`, through the openai package's asyncio
client (AsyncOpenAI): the choice for long streams with many requests in flight.

Because invoke is `async def`, each worker process runs ONE asyncio event loop and every request is a
coroutine on it, not a thread: one worker holds thousands of streams at once (up to the sampler's
asyncRequestsPerWorker, 10,000 by default; beyond it requests wait, and the wait is their queue time).
A plain `def invoke` (factories_chat.py) runs on a worker's threads, at most 256 at once. The client is
made once per worker, in invoke_factory, and its connection pool is raised from the openai package's
1,000 connections so that it does not become the limit. The openai package builds a typed object for
every chunk, about 0.2 ms of CPU each: for thousands of streams at once, factories_chat_aiohttp.py reads
the same stream for a fifth of that.

invoke returns the same measurements as factories_chat.py (aiperf's definitions, the same as the native
--openai sampler's): token_times_ms, when each chunk carrying content arrived in ms from the request's
start; output_tokens and input_tokens from the server's usage. The times are taken inside the coroutine:
when one loop's CPU saturates, chunks wait for it and the times grow; add --workers.

Against the endpoint simulator:

    ./benchmark --factories-file factories/openai_compatible/factories_chat_async.py \
        --simulate=ttft=200ms,itl=20ms --client-rps 5 --obs-time 10

Against a real server: run without --simulate and point it at the server with IB_ENDPOINT_URL
(the server's root, e.g. http://gpu-host:8000; /v1 is added) or the openai package's own
OPENAI_BASE_URL (e.g. https://api.openai.com/v1), with OPENAI_API_KEY (sent as a bearer token, never
logged) and --endpoint-name set to the served model's name. For Azure OpenAI, build
openai.AsyncAzureOpenAI(azure_endpoint=..., api_version=..., api_key=...) instead, with the deployment
name as the model.

    python3 -m pip install -r factories/requirements.txt
"""
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


def base_url():
    """IB_ENDPOINT_URL (a server's root, as --simulate sets it) with /v1 added, else the openai package's default."""
    url = os.environ.get("IB_ENDPOINT_URL")
    if not url:
        return None  # OPENAI_BASE_URL, else api.openai.com
    url = url.rstrip("/")
    return url if url.endswith("/v1") else url + "/v1"


def invoke_factory(endpoint_name=None):
    # Once per worker process: the client and its connection pool are shared by every request on the loop.
    import openai  # imported here so a missing package is reported when the workers start
    try:
        import httpx2 as httpx  # what openai 3.x is built on
    except ImportError:
        import httpx  # openai 1.x and 2.x

    limits = httpx.Limits(max_connections=MAX_CONNECTIONS, max_keepalive_connections=MAX_CONNECTIONS)
    client = openai.AsyncOpenAI(
        base_url=base_url(),
        api_key=os.environ.get("OPENAI_API_KEY") or "not-needed",  # most self-hosted servers want none
        max_retries=0,  # a retried request would be measured as one slow success: let every failure show
        timeout=300.0,
        http_client=openai.DefaultAsyncHttpxClient(limits=limits),
    )
    model = endpoint_name or os.environ.get("IB_MODEL", "simulated-model")

    async def invoke(payload):
        # Once per request, as a coroutine on the worker's event loop. Raise to fail the request.
        started = time.perf_counter()
        stream = await client.chat.completions.create(model=model, stream=True,
                                                      stream_options={"include_usage": True}, **payload)
        token_times, usage = [], None
        async with stream:
            async for chunk in stream:
                if chunk.usage is not None:
                    usage = chunk.usage
                if any(choice.delta.content for choice in chunk.choices):
                    token_times.append((time.perf_counter() - started) * 1000.0)
        return {
            "status": 200,  # the openai package raises on any other status
            "input_tokens": usage.prompt_tokens if usage else None,
            "output_tokens": usage.completion_tokens if usage else None,  # None: chunks are counted
            "token_times_ms": token_times,
        }

    return invoke


def payload_factory():
    # Keyword arguments of chat.completions.create, one dict per request in turn.
    return {"pre_computed": True,
            "input": [{"messages": [{"role": "user", "content": q}], "max_tokens": MAX_TOKENS} for q in QUESTIONS]}
