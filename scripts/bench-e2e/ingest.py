#!/usr/bin/env python3
"""MQTT ingest into the committed store, against a bare mosquitto_sub on the same broker.

1. drain: N QoS 1 messages are queued by the broker for two offline persistent sessions (a
   mosquitto_sub and vigie), then each drains them alone, timed: messages/s each consumer takes
   from the same broker, for one-value messages, SenML packs of 10 and Zigbee2MQTT objects of 10.
   What was published, what mosquitto_sub printed and what the store holds (`vigie export`) are
   counted, never assumed.
2. rates: vigie online, publishers at increasing rates, 5 s each, with a live mosquitto_sub
   counting alongside; publish-to-commit latency from the publish log and the committed counter
   sampled every 20 ms (messages are committed in order, so message k is committed once the
   counter reaches k). The gateway falls behind when it has not committed everything 3 s after
   the step ended.

Usage: ingest.py [drain|rates|all] [N]
"""
import os
import resource
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from common import Stack, Snapshot, metric, stored_readings, percentile, row, free_port  # noqa: E402

COMMITTED = "vigie_store_readings_committed_total"
FIELDS = ["temperature", "humidity", "pressure", "battery", "linkquality", "voltage", "co2", "voc", "pm25", "noise"]


def payloads(kind, count):
    if kind == "value":
        # A slow triangle wave (steps of 0.01): plausible data, no anomaly storm in the log.
        return "".join(f"{20 + abs(i % 200 - 100) / 100}\n" for i in range(count)).encode(), 1
    if kind == "senml":
        pack = "[" + ",".join(('{"bn":"dev/","n":"p0","v":%d.5}' % 0) if j == 0 else ('{"n":"p%d","v":%d.5}' % (j, j))
                              for j in range(10)) + "]\n"
        return pack.encode() * count, 10
    obj = "{" + ",".join(f'"{name}":{20 + j}.{j}' for j, name in enumerate(FIELDS)) + "}\n"
    return obj.encode() * count, 10


SUBSCRIPTIONS = {
    "value": '    - { topic: "bench/+/v", format: value, sensor: "{1}/v", qos: 1 }\n',
    "senml": '    - { topic: "bench/+/v", format: senml, qos: 1 }\n',
    "zigbee2mqtt": '    - { topic: "bench/+/v", format: zigbee2mqtt, qos: 1 }\n',
}


def vigie_body(broker, kind, client_id):
    return (f"mqtt:\n  broker: 127.0.0.1:{broker}\n  client_id: {client_id}\n  subscriptions:\n{SUBSCRIPTIONS[kind]}")


def publish(broker, data, qos=1, chunk=20_000):
    """Publishes one message per line, each chunk of 20,000 lines on its own topic bench/sN/v
    (so, one sensor each). Chunks because one mosquitto_pub 2.0.11 -l given ~35,000+ QoS 1
    lines at once gets disconnected by the broker ("out of memory")."""
    lines = data.splitlines(keepends=True)
    for start in range(0, len(lines), chunk):
        topic = f"bench/s{start // chunk}/v"
        subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(broker), "-q", str(qos), "-t", topic, "-l"],
                       input=b"".join(lines[start:start + chunk]), check=True)


def drain(stack, kind, count):
    broker = stack.broker()
    http = free_port()
    config, data_dir = stack.vigie_config(f"drain-{kind}", vigie_body(broker, kind, f"vigie-bench-{kind}"), http)
    # Create both persistent sessions, then go offline.
    subprocess.run(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(broker), "-c", "-i", "bare-sub", "-q", "1",
                    "-t", "bench/#", "-E"], check=True)
    vigie = stack.vigie(config, http)
    time.sleep(1.0)
    stack.stop(vigie)
    data, per_message = payloads(kind, count)
    start = time.monotonic()
    publish(broker, data)
    publish_rate = count / (time.monotonic() - start)

    start = time.monotonic()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(broker), "-c", "-i", "bare-sub", "-q", "1",
                          "-t", "bench/#", "-C", str(count), "-W", "300"], stdout=subprocess.PIPE, check=True).stdout
    sub_seconds = time.monotonic() - start
    sub_count = out.count(b"\n")
    after_sub = resource.getrusage(resource.RUSAGE_CHILDREN)
    sub_cpu = (after_sub.ru_utime + after_sub.ru_stime) - (children.ru_utime + children.ru_stime)

    expected = count * per_message
    start = time.monotonic()
    vigie = stack.vigie(config, http)
    before = Snapshot(vigie.pid)
    peak = before.rss
    done_at = None
    first = None  # (time, committed) of the first sample with readings committed: start-up ends there
    last_value, last_change = 0, time.monotonic()
    while True:
        value = metric(http, COMMITTED) or 0
        peak = max(peak, Snapshot(vigie.pid).rss)
        now = time.monotonic()
        if first is None and value > 0:
            first = (now, value)
        if value >= expected:
            done_at = now
            break
        if value != last_value:
            last_value, last_change = value, now
        if now - last_change > 15:
            break
        time.sleep(0.02)
    after = Snapshot(vigie.pid)
    # More commits than readings / batch size: some batch was cut by time (the last one then waits
    # up to buffer.batch_interval, which a short drain shows as a lower rate).
    commits = metric(http, "vigie_store_commits_total")
    stack.stop(vigie)
    stored = stored_readings(data_dir)
    seconds = (done_at or after.time) - start
    readings = stored
    row(f"drain {kind} x{count}", published=count, publish_msg_s=int(publish_rate), mosquitto_sub_msgs=sub_count,
        mosquitto_sub_msg_s=int(sub_count / sub_seconds), mosquitto_sub_cpu_s_per_M_msgs=f"{sub_cpu / sub_count * 1e6:.2f}",
        stored_readings=stored, expected=expected,
        vigie_msg_s=int(stored / per_message / seconds), vigie_readings_s=int(stored / seconds),
        startup_s=f"{first[0] - start:.2f}" if first else "-", commits=int(commits or 0),
        readings_s_after_first_commit=int((stored - first[1]) / (done_at - first[0])) if first and done_at and done_at > first[0] else "-",
        ratio=f"{stored / per_message / seconds / (sub_count / sub_seconds):.0%}",
        cpu_s_per_M=f"{(after.cpu - before.cpu) / max(1, readings) * 1e6:.2f}",
        cpu_s_per_M_msgs=f"{(after.cpu - before.cpu) / max(1, readings / per_message) * 1e6:.2f}",
        peak_rss_kB=max(peak, after.rss), hwm_kB=after.hwm,
        disk_B_per_reading=f"{(after.written - before.written) / max(1, readings):.1f}")


class Publisher(threading.Thread):
    """Feeds `rate` lines/s for `seconds` to mosquitto_pub -l, logging (time, cumulative count)."""
    def __init__(self, stack, broker, topic, rate, seconds, log, lock, counter):
        super().__init__(daemon=True)
        self.process = stack.spawn(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(broker), "-q", "1", "-t", topic, "-l"],
                                   stdin=subprocess.PIPE)
        self.rate, self.seconds, self.log, self.lock, self.counter = rate, seconds, log, lock, counter

    def run(self):
        start = time.monotonic()
        sent = 0
        while True:
            now = time.monotonic()
            if now - start >= self.seconds:
                break
            due = int((now - start) * self.rate)
            if due > sent:
                self.process.stdin.write(b"21.5\n" * (due - sent))
                self.process.stdin.flush()
                with self.lock:
                    self.counter[0] += due - sent
                    self.log.append((time.monotonic(), self.counter[0]))
                sent = due
            time.sleep(0.005)
        self.process.stdin.close()
        self.process.wait()


def rates(stack, steps, publishers=4, seconds=5):
    broker = stack.broker()
    http = free_port()
    config, data_dir = stack.vigie_config("rates", vigie_body(broker, "value", "vigie-bench-rates"), http)
    sub = stack.spawn(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(broker), "-q", "1", "-t", "bench/#"],
                      stdout=subprocess.PIPE)
    sub_count = [0]

    def count_sub():
        for _ in sub.stdout:
            sub_count[0] += 1
    threading.Thread(target=count_sub, daemon=True).start()
    vigie = stack.vigie(config, http)
    time.sleep(1)
    total_published = 0
    for rate in steps:
        log, lock, counter = [], threading.Lock(), [total_published]
        samples = []
        sub_before = sub_count[0]
        before = Snapshot(vigie.pid)
        peak = before.rss
        threads = [Publisher(stack, broker, f"bench/p{i}/v", rate / publishers, seconds, log, lock, counter)
                   for i in range(publishers)]
        for thread in threads:
            thread.start()
        step_end = time.monotonic() + seconds
        while True:
            value = metric(http, COMMITTED) or 0
            now = time.monotonic()
            samples.append((now, value))
            peak = max(peak, Snapshot(vigie.pid).rss)
            with lock:
                published = counter[0]
            if now > step_end and all(not t.is_alive() for t in threads) and value >= published:
                break
            if now > step_end + 3 and all(not t.is_alive() for t in threads):
                break
            time.sleep(0.02)
        after = Snapshot(vigie.pid)
        for thread in threads:
            thread.join()
        committed = samples[-1][1] - total_published
        published = counter[0] - total_published
        behind = samples[-1][1] < counter[0]
        # Latency of every 100th message: its publish time to the first sample with the counter past it.
        latencies = []
        j = 0
        for when, cumulative in log:
            while j < len(samples) and samples[j][1] < cumulative:
                j += 1
            if j < len(samples):
                latencies.append(samples[j][0] - when)
        sub_got = sub_count[0] - sub_before
        row(f"rate {rate} msg/s offered", published=published, mosquitto_sub=sub_got, committed=int(committed),
            committed_per_s=int(committed / (after.time - before.time)),
            latency_p50_ms=f"{percentile(latencies, 50) * 1000:.0f}", latency_p99_ms=f"{percentile(latencies, 99) * 1000:.0f}",
            cpu_s_per_M=f"{(after.cpu - before.cpu) / max(1, committed) * 1e6:.2f}",
            cpu_pct=f"{(after.cpu - before.cpu) / (after.time - before.time):.0%}", peak_rss_kB=peak,
            disk_B_per_reading=f"{(after.written - before.written) / max(1, committed):.1f}",
            falls_behind="yes" if behind else "no")
        total_published = counter[0]
        if behind:
            break
    stack.stop(vigie)
    stack.stop(sub)
    row("rates total", published=total_published, stored=stored_readings(data_dir))


def main():
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    stack = Stack("ingest")
    try:
        if what in ("drain", "all"):
            # KINDS=senml,zigbee2mqtt runs only those drains (packs get N/5 messages, N/2 readings).
            kinds = os.environ.get("KINDS", "value,senml,zigbee2mqtt").split(",")
            for kind in kinds:
                drain(stack, kind, count if kind == "value" else count // 5)
        if what in ("rates", "all"):
            rates(stack, [int(r) for r in os.environ.get("RATES", "2000,5000,10000,20000,40000,80000").split(",")])
    finally:
        stack.close()


if __name__ == "__main__":
    main()
