"""The floor's result (bench/floor/StreamFloor.java's one line of key=value, as bench/llm and bench/concurrency
save it), read the same way by both benchmarks' summaries."""
import os


def read_floor(path):
    """The line's values as numbers (percentages without their sign), or None when the floor did not finish."""
    if not os.path.exists(path):
        return None
    with open(path) as f:
        line = next((x for x in f if x.startswith("floor ")), None)
    if line is None:
        return None
    return {k: float(v.rstrip("%")) for k, v in (kv.split("=", 1) for kv in line.split()[1:])}
