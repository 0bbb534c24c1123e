"""The endpoint simulator's own lateness in writing first chunks during one wave, from its /metrics saved
before and after the wave (bench/llm and bench/concurrency save both)."""
import os


def _buckets(path):
    counts = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if line.startswith('ib_sim_first_token_delay_seconds_bucket{le="'):
                    bound = line.split('"')[1]
                    counts[float("inf") if bound == "+Inf" else float(bound)] = float(line.split()[-1])
    return counts


def first_chunk_delays(before_path, after_path):
    """First chunks written during the wave within each bucket bound (seconds, +Inf included), cumulative,
    bounds in order; None when the wave wrote none or the files hold no such histogram."""
    before, after = _buckets(before_path), _buckets(after_path)
    cumulative = {b: after[b] - before.get(b, 0) for b in sorted(after)}
    return cumulative if cumulative.get(float("inf")) else None
