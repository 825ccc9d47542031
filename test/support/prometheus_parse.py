"""Reads Prometheus text exposition on stdin and prints its families as JSON, parsed by the official
Python client (prometheus_client.parser): an independent check of what /metrics serves. Exits non-zero
with the parser's message on any malformed line."""
import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families


def number(value):
    return value if math.isfinite(value) else str(value)


families = [
    {
        "name": family.name,
        "type": family.type,
        "samples": [
            {"name": s.name, "labels": s.labels, "value": number(s.value)} for s in family.samples
        ],
    }
    for family in text_string_to_metric_families(sys.stdin.read())
]
json.dump(families, sys.stdout)
