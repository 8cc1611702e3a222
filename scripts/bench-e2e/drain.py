#!/usr/bin/env python3
"""Backlog drain after an outage: messages/s from the outbox to a loopback broker.

vigie ingests SenML readings of DEVICES devices (one pack per device per second) while its
upstream broker is down; 10 s aggregate windows fill the outbox with one message per device per
window. Then the broker starts on the sink's port, a mosquitto_sub counts what arrives, and the
drain rate is what arrived divided by the time from the first to the last arrival (QoS 1,
in-flight window 100, drain_rate 0 = no limit).

Usage: drain.py [DEVICES] [OUTAGE_SECONDS]
"""
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from common import Stack, Snapshot, metric, row, free_port, senml_gateway_body  # noqa: E402


def main():
    devices = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    outage = float(sys.argv[2]) if len(sys.argv) > 2 else 40
    stack = Stack("drain")
    try:
        source = stack.broker()
        upstream_port = free_port()
        http = free_port()
        body = senml_gateway_body("drain", source, "bench/+/v", upstream_port, "10s", "0s",
                                  upstream_extra="      drain_rate: 0\n")
        config, _ = stack.vigie_config("drain", body, http)
        vigie = stack.vigie(config, http)
        publisher = stack.spawn(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(source), "-q", "1", "-t", "bench/a/v", "-l"],
                                stdin=subprocess.PIPE)
        start = time.monotonic()
        end = start + outage
        second = 0
        while time.monotonic() < end:
            lines = "".join(f'[{{"bn":"dev-{d}/","n":"t","v":{(d + second) % 50 / 2}}}]\n' for d in range(devices))
            publisher.stdin.write(lines.encode())
            publisher.stdin.flush()
            second += 1
            time.sleep(max(0.0, start + second - time.monotonic()))
        publisher.stdin.close()
        publisher.wait()
        time.sleep(12)  # the last window closes
        packs = int(metric(http, "vigie_aggregate_packs_total") or 0)

        arrivals = []
        first_read = []  # when the first line was read (monotonic): the reconnection delay
        stack.broker_on(upstream_port)
        counter = stack.spawn(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(upstream_port), "-q", "1", "-t", "up/#", "-F", "%U %t"],
                              stdout=subprocess.PIPE)

        # mosquitto_sub stamps each message as it arrives (%U, Unix time in µs precision): its
        # output to a pipe is block-buffered, so the time we read a line is not when it came.
        def count():
            for line in counter.stdout:
                stamp, _, topic = line.decode().partition(" ")
                arrivals.append((float(stamp), topic.strip()))
                if not first_read:
                    first_read.append(time.monotonic())
        threading.Thread(target=count, daemon=True).start()
        before = Snapshot(vigie.pid)
        peak = before.rss
        # The sink retries with capped exponential backoff: the first arrival may take a while.
        started = time.monotonic()
        while not arrivals and time.monotonic() - started < 120:
            time.sleep(0.1)
        last_change, seen = time.monotonic(), 0
        while time.monotonic() - last_change < 5:
            time.sleep(0.1)
            peak = max(peak, Snapshot(vigie.pid).rss)
            if len(arrivals) != seen:
                seen, last_change = len(arrivals), time.monotonic()
        after = Snapshot(vigie.pid)
        acked = int(metric(http, "vigie_upstream_messages_acked_total") or 0)
        stack.stop(vigie)
        stack.stop(counter)
        # The rate of the backlog itself: up to the arrival of the last pack that was waiting (the
        # gateway's status and health messages, and packs of windows closing later, come after).
        stamps = [stamp for stamp, _ in arrivals][:packs]
        span = (stamps[-1] - stamps[0]) if len(stamps) > 1 else float("nan")
        row(f"drain {devices} devices, {outage:.0f} s outage", outbox_packs=packs,
            reconnect_s=f"{first_read[0] - started:.1f}" if first_read else "none", arrived=len(arrivals), acked=acked,
            drain_msg_s=f"{len(stamps) / span:.0f}", cpu_s=f"{after.cpu - before.cpu:.2f}",
            peak_rss_kB=max(peak, after.hwm))
    finally:
        stack.close()


if __name__ == "__main__":
    main()
