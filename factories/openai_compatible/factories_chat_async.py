"""The streamed chat of factories_chat.py through the openai package's asyncio client (AsyncOpenAI).

Why invoke is not `async def`: the Python worker calls invoke(payload) on its own threads and takes
what it returns as the result. An `async def invoke` would return a coroutine that nobody awaits: the
request would neither reach the endpoint nor fail. (Native coroutine support in the worker is a
separate piece of work.) This file shows the pattern that works today, for a client library that is
asyncio-only, or asyncio code you already have:

- invoke_factory starts ONE event loop per worker process, in a daemon thread, and builds the async
  client there (an async client belongs to the loop it was made on);
- invoke hands its coroutine to that loop with asyncio.run_coroutine_threadsafe and waits for the
  result. The worker thread that called invoke blocks while the loop does the I/O, so many requests
  still share one loop and one connection pool.

Timing: the token times are taken inside the coroutine, on the loop's thread, when each chunk is
parsed. One busy loop per worker is the limit here: when its CPU saturates, chunks wait for it and
the token times grow; add --workers.

Against the endpoint simulator:

    ./benchmark --factories-file factories/openai_compatible/factories_chat_async.py \
        --simulate=ttft=200ms,itl=20ms --client-rps 5 --obs-time 10

Against a real server: as factories_chat.py (IB_ENDPOINT_URL or OPENAI_BASE_URL, OPENAI_API_KEY,
--endpoint-name MODEL).

    python3 -m pip install -r factories/requirements.txt
"""
import asyncio
import os
import threading
import time

MAX_TOKENS = 64
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
        return None
    url = url.rstrip("/")
    return url if url.endswith("/v1") else url + "/v1"


def invoke_factory(endpoint_name=None):
    import openai  # imported here so a missing package is reported when the workers start

    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, name="asyncio-loop", daemon=True).start()

    async def make_client():
        return openai.AsyncOpenAI(base_url=base_url(), api_key=os.environ.get("OPENAI_API_KEY") or "not-needed",
                                  max_retries=0, timeout=300.0)

    client = asyncio.run_coroutine_threadsafe(make_client(), loop).result()
    model = endpoint_name or os.environ.get("IB_MODEL", "simulated-model")

    async def chat(payload, started):
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
            "status": 200,
            "input_tokens": usage.prompt_tokens if usage else None,
            "output_tokens": usage.completion_tokens if usage else None,
            "token_times_ms": token_times,
        }

    def invoke(payload):
        # The request starts here, so its times include the hand-over to the loop.
        # An exception inside the coroutine is raised here, and fails the request.
        started = time.perf_counter()
        return asyncio.run_coroutine_threadsafe(chat(payload, started), loop).result()

    return invoke


def payload_factory():
    return {"pre_computed": True,
            "input": [{"messages": [{"role": "user", "content": q}], "max_tokens": MAX_TOKENS} for q in QUESTIONS]}
