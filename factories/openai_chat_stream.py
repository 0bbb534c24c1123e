"""OpenAI-compatible chat completions, streamed, reporting their token figures.

POST {IB_ENDPOINT_URL}/v1/chat/completions with "stream": true. invoke returns a dict of
measurements that the benchmark records per request and summarises (percentiles) in summary.json:
status, response_bytes, input_tokens, output_tokens (the server's usage), and token_times_ms, the
arrival time of each content chunk, from which TTFT, time to second token and inter-token latency
follow with the same definitions as `benchmark --openai` (aiperf's). It asks for max_tokens 64, the
--openai default, so the two routes compare like for like. Standard library only.

    benchmark --factories-file factories/openai_chat_stream.py --simulate --client-rps 5 --obs-time 10

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
