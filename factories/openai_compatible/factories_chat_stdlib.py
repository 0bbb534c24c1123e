"""An OpenAI-compatible server, streamed chat completions with the standard library only.

The same requests and measurements as factories_chat.py, without the openai package: POST
{IB_ENDPOINT_URL}/v1/chat/completions with "stream": true over an http.client keep-alive connection
per thread, reading the server-sent events itself. invoke returns the measurements the benchmark
turns into token metrics (aiperf's definitions, the same as the native --openai sampler's):
status, response_bytes, input_tokens and output_tokens (the server's usage), and token_times_ms,
the arrival of each content chunk in ms from the request's start, from which TTFT, time to second
token and inter-token latency follow. It asks for max_tokens 64, the --openai default, so the two
routes compare like for like. It costs the least client CPU of the LLM examples.

Against the endpoint simulator:

    ./benchmark --factories-file factories/openai_compatible/factories_chat_stdlib.py --simulate=ttft=200ms,itl=20ms --client-rps 5 --obs-time 10

Against a real server: run without --simulate, with IB_ENDPOINT_URL set to the server's root
(http://gpu-host:8000; /v1/chat/completions is added) and --endpoint-name set to the served model.
OPENAI_API_KEY, when set, is sent as a bearer token (never printed or logged).
"""
import http.client
import json
import os
import threading
import time
from urllib.parse import urlsplit

QUESTIONS = [
    "What is the capital of France?",
    "Explain keep-alive connections in one paragraph.",
    "Write a haiku about load testing.",
    "List three uses of a percentile.",
]


def invoke_factory(endpoint_name=None):
    url = urlsplit(os.environ.get("IB_ENDPOINT_URL", "http://127.0.0.1:8080"))
    path = url.path.rstrip("/") + "/v1/chat/completions"
    model = endpoint_name or os.environ.get("IB_MODEL", "simulated-model")
    connection_type = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
    headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
    if os.environ.get("OPENAI_API_KEY"):
        headers["Authorization"] = "Bearer " + os.environ["OPENAI_API_KEY"]
    local = threading.local()

    def invoke(payload):
        connection = getattr(local, "connection", None)
        if connection is None:
            connection = local.connection = connection_type(url.hostname, url.port, timeout=120)
        body = json.dumps(dict(payload, model=model, stream=True, stream_options={"include_usage": True}))
        try:
            started = time.perf_counter()
            connection.request("POST", path, body=body.encode("utf-8"), headers=headers)
            response = connection.getresponse()
            if response.status >= 400:
                response.read()
                raise RuntimeError("%d/%s" % (response.status, response.reason))
            token_times, usage, received = [], None, 0
            for line in response:  # server-sent events: "data: {...}" lines
                arrived = time.perf_counter()
                received += len(line)
                if not line.startswith(b"data:"):
                    continue
                data = line[5:].strip()
                if data == b"[DONE]":
                    break
                event = json.loads(data)
                usage = event.get("usage") or usage
                for choice in event.get("choices") or ():
                    if (choice.get("delta") or {}).get("content"):
                        token_times.append((arrived - started) * 1000.0)
                        break
            received += len(response.read())  # the rest of the stream, so the connection can be reused
        except (http.client.HTTPException, OSError):
            connection.close()
            local.connection = None
            raise
        return {
            "status": response.status,
            "response_bytes": received,
            "input_tokens": usage.get("prompt_tokens") if usage else None,
            "output_tokens": usage.get("completion_tokens") if usage else None,  # None: chunks are counted
            "token_times_ms": token_times,
        }

    return invoke


def payload_factory():
    return {"pre_computed": True,
            "input": [{"messages": [{"role": "user", "content": q}], "max_tokens": 64} for q in QUESTIONS]}
