#!/usr/bin/env python3
"""Memory over a long steady run: is the daemon's RSS flat?

200 sensors publish SenML once a second into a local broker (200 readings/s); vigie stores them,
aggregates 10 s windows, scores every reading and forwards to a second broker with a subscriber
that keeps up. RSS is sampled every 5 s; the slope (least squares, KB/hour) is reported over the
second half of the run, after the caches (SQLite's page cache, detectors, chunk buffers) have
filled. The disk budget is not reached, so no eviction phase shapes the curve.

Usage: soak.py [SECONDS] [SENSORS]      (defaults: 1200 s, 200 sensors)
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from common import Stack, free_port, metric, row, senml_gateway_body, status_kb  # noqa: E402


def slope_kb_per_hour(samples):
    """Least-squares slope of (seconds, kB) pairs, in kB per hour."""
    n = len(samples)
    if n < 2:
        return float("nan")
    mean_t = sum(t for t, _ in samples) / n
    mean_r = sum(r for _, r in samples) / n
    var = sum((t - mean_t) ** 2 for t, _ in samples)
    cov = sum((t - mean_t) * (r - mean_r) for t, r in samples)
    return cov / var * 3600 if var else float("nan")


def main():
    duration = float(sys.argv[1]) if len(sys.argv) > 1 else 1200
    sensors = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    stack = Stack("soak")
    try:
        source = stack.broker()
        upstream = stack.broker()
        http = free_port()
        body = senml_gateway_body("soak", source, "soak/+/v", upstream, "10s", "1s")
        config, _ = stack.vigie_config("soak", body, http)
        vigie = stack.vigie(config, http)
        stack.spawn(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(upstream), "-q", "1", "-t", "up/#"])
        publisher = stack.spawn(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(source), "-q", "1",
                                 "-t", "soak/a/v", "-l"], stdin=subprocess.PIPE)
        start = time.monotonic()
        samples = []
        second = 0
        while time.monotonic() - start < duration:
            # A slow sine per sensor, so the detectors see ordinary, varying data.
            lines = "".join(f'[{{"bn":"room-{s}/","n":"t","v":{20 + (second + s) % 60 / 10}}}]\n'
                            for s in range(sensors))
            publisher.stdin.write(lines.encode())
            publisher.stdin.flush()
            second += 1
            if second % 5 == 0:
                samples.append((time.monotonic() - start, status_kb(vigie.pid, "VmRSS")))
                if sys.stdout.isatty():
                    print(f"\r{second:5d} s  RSS {samples[-1][1]} kB", end="", flush=True)
            time.sleep(max(0.0, start + second - time.monotonic()))
        if sys.stdout.isatty():
            print()
        committed = int(metric(http, "vigie_store_readings_committed_total") or 0)
        second_half = [(t, r) for t, r in samples if t >= duration / 2]
        row(f"soak {sensors} sensors, {duration:.0f} s", readings_committed=committed,
            rss_start_kB=samples[0][1] if samples else 0, rss_mid_kB=second_half[0][1] if second_half else 0,
            rss_end_kB=samples[-1][1] if samples else 0,
            slope_second_half_kB_per_h=f"{slope_kb_per_hour(second_half):+.0f}",
            peak_rss_kB=status_kb(vigie.pid, "VmHWM"))
    finally:
        stack.close()


if __name__ == "__main__":
    main()
