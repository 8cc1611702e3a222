#!/usr/bin/env python3
"""`make fleet`: N real vigie gateways against a 3-node RabbitMQ cluster (MQTT plugin) on loopback,
with faults at fleet scale, and a hub-side subscriber that checks every gateway's sequence numbers.

Timeline (each step's length is --fault seconds, 60 by default):
  start the cluster, the Modbus simulators, the hub subscriber and N gateways; run --fault s;
  stop node 2 for --fault s, start it; stop node 3 for --fault s, start it;
  restart the whole cluster; SIGKILL 10 % of the gateways at random and start them again 5 s later;
  run --fault s; stop every gateway (SIGTERM: it flushes), let the hub subscriber drain, then check.

Printed at the end: per-gateway conservation (every outbox seq at the hub, duplicates allowed, in
order per device), hub-side figures (messages, bytes, connections, retained topics), connection
attempts per second at the cluster after its restart, and CPU / RSS per gateway (median, p95).
Exit status 0 when nothing is missing for any gateway and per-device order holds.
Standard library only: the hub subscriber is mosquitto_sub (persistent session on node 1).
"""
import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rabbit import Cluster  # noqa: E402

DEVICES = ("meter", "submeter", "room")
TICK = os.sysconf("SC_CLK_TCK")


def log(text):
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def percentile(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    k = min(len(values) - 1, max(0, int(round(p / 100 * (len(values) - 1)))))
    return values[k]


class Gateway:
    def __init__(self, args, index, cluster, simulator_port, base):
        self.id = f"gw-{index:04d}"
        self.dir = os.path.join(base, self.id)
        os.makedirs(self.dir, exist_ok=True)
        self.config = os.path.join(self.dir, "vigie.yaml")
        nodes = cluster.nodes[index % len(cluster.nodes):] + cluster.nodes[:index % len(cluster.nodes)]
        first_unit = (index % args.per_simulator) * len(DEVICES) + 1
        devices = "\n".join(
            f"        - name: {name}\n          unit: {first_unit + k}\n          poll: {args.poll}\n          points:\n"
            + "".join(f"            - {{ name: r{r}, table: holding, address: {r}, type: int16, scale: 0.1 }}\n"
                      for r in range(4)).rstrip("\n")
            for k, name in enumerate(DEVICES))
        with open(self.config, "w") as f:
            f.write(f"""gateway:
  id: {self.id}
  data_dir: {self.dir}/data
  http: "off"
modbus:
  buses:
    - name: sim
      tcp: 127.0.0.1:{simulator_port}
      devices:
{devices}
aggregate:
  window: {args.window}
  grace: 2s
upstream:
  - mqtt:
      broker: [{", ".join(n.mqtt for n in nodes)}]
      topic: "fleet/{{gateway}}/{{device}}"
      format: json
      drain_rate: {args.drain_rate}
""")
        self.args = args
        self.process = None
        self.samples = []  # (monotonic time, cpu ticks, rss kB)

    def start(self):
        out = open(os.path.join(self.dir, "vigie.log"), "a")
        self.process = subprocess.Popen([self.args.vigie, "run", "--config", self.config], stdout=out,
                                        stderr=subprocess.STDOUT)

    def kill9(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def terminate(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()

    def sample(self):
        if not self.process or self.process.poll() is not None:
            return
        try:
            stat = open(f"/proc/{self.process.pid}/stat").read().rsplit(")", 1)[1].split()
            ticks = int(stat[11]) + int(stat[12])
            rss = next(int(line.split()[1]) for line in open(f"/proc/{self.process.pid}/status")
                       if line.startswith("VmRSS:"))
            self.samples.append((time.monotonic(), self.process.pid, ticks, rss))
        except (OSError, StopIteration, IndexError):
            pass

    def outbox(self):
        """(highest seq ever allocated, seqs still waiting) from the gateway's own store."""
        path = os.path.join(self.dir, "data", "vigie.db")
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").fetchone()
            waiting = {r[0] for r in db.execute("SELECT seq FROM outbox")}
        finally:
            db.close()
        return (row[0] if row else 0), waiting


class HubSubscriber:
    """The hub side: mosquitto_sub with a persistent session (its queue lives on node 1).
    mosquitto_sub exits when a CONNACK is refused (RabbitMQ during a cluster restart): it is
    started again with the same client id, and gets what its queue kept meanwhile."""

    def __init__(self, port, path, errors):
        self.args = ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-i", "fleet-hub", "-c", "-q", "1", "-v",
                     "-t", "fleet/#"]
        self.path, self.errors = path, errors
        self.restarts = -1
        self.process = None
        self.keep_running()

    def keep_running(self):
        if self.process is None or self.process.poll() is not None:
            self.restarts += 1
            self.process = subprocess.Popen(self.args, stdout=open(self.path, "a"), stderr=open(self.errors, "a"))

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait()


def cpu_and_rss(gateways, since, until):
    """Per gateway: CPU in % of one core between two times (same process only), and its last RSS (MB)."""
    cpu, rss = [], []
    for g in gateways:
        window = [s for s in g.samples if since <= s[0] <= until]
        if len(window) >= 2 and window[0][1] == window[-1][1] and window[-1][0] > window[0][0]:
            cpu.append(100 * (window[-1][2] - window[0][2]) / TICK / (window[-1][0] - window[0][0]))
            rss.append(window[-1][3] / 1024)
    return cpu, rss


def wait_quiet(path, quiet=15, limit=600):
    """Waits until the file stops growing for `quiet` seconds."""
    last, since, start = -1, time.time(), time.time()
    while time.time() - start < limit:
        size = os.path.getsize(path)
        if size != last:
            last, since = size, time.time()
        elif time.time() - since >= quiet:
            return
        time.sleep(1)


def analyse(hub_path, gateways):
    seqs = {g.id: set() for g in gateways}
    arrivals = {g.id: 0 for g in gateways}
    nbytes = {g.id: 0 for g in gateways}
    order = {}
    retained_topics = set()
    kinds = {}
    for line in open(hub_path, errors="replace"):
        topic, _, payload = line.rstrip("\n").partition(" ")
        try:
            message = json.loads(payload)
        except ValueError:
            continue
        gateway = message.get("gateway")
        if gateway not in seqs:
            continue
        kinds[message.get("kind")] = kinds.get(message.get("kind"), 0) + 1
        arrivals[gateway] += 1
        nbytes[gateway] += len(topic) + len(payload.encode())
        if message.get("kind") == "status":
            retained_topics.add(topic)
        if "seq" in message and message.get("kind") in ("aggregate", "anomaly"):
            first = message["seq"] not in seqs[gateway]
            seqs[gateway].add(message["seq"])
            if first and message.get("kind") == "aggregate":
                order.setdefault((gateway, message.get("device")), []).append(message.get("start"))
    return seqs, arrivals, nbytes, order, retained_topics, kinds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vigie", default=".build/release/vigie")
    parser.add_argument("--gateways", type=int, default=100)
    parser.add_argument("--window", default="1m", help="aggregate window (1m is the deployment's; shorten for a short run)")
    parser.add_argument("--poll", default="10s")
    parser.add_argument("--fault", type=int, default=60, help="seconds per fault step")
    parser.add_argument("--drain-rate", type=int, default=10_000)
    parser.add_argument("--kill-share", type=float, default=0.10)
    parser.add_argument("--per-simulator", type=int, default=80)
    parser.add_argument("--dir", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "vigie-fleet"))
    parser.add_argument("--port-base", type=int, default=25600)
    args = parser.parse_args()
    args.vigie = os.path.abspath(args.vigie)
    shutil.rmtree(args.dir, ignore_errors=True)
    os.makedirs(args.dir)
    cluster = Cluster(os.path.join(args.dir, "rabbit"), port_base=args.port_base, epmd_port=args.port_base - 1231)
    helpers = []
    gateways = []
    hub = None
    try:
        t0 = time.time()
        log(f"starting a 3-node RabbitMQ cluster (MQTT on {', '.join(n.mqtt for n in cluster.nodes)})")
        if not cluster.start():
            log("the cluster did not start: see " + cluster.base)
            return 2
        log(f"cluster up after {time.time() - t0:.0f} s")
        simulators = []
        for s in range((args.gateways + args.per_simulator - 1) // args.per_simulator):
            count = min(args.per_simulator, args.gateways - s * args.per_simulator) * len(DEVICES)
            sim = subprocess.Popen([args.vigie, "modbus", "simulate", "--port", "0", "--units", f"1-{count}",
                                    "--registers", "4"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            helpers.append(sim)
            simulators.append(int(sim.stdout.readline()))
        hub_path = os.path.join(args.dir, "hub.out")
        hub = HubSubscriber(cluster.nodes[0].mqtt_port, hub_path, os.path.join(args.dir, "hub.err"))
        time.sleep(2)
        for i in range(args.gateways):
            g = Gateway(args, i, cluster, simulators[i // args.per_simulator], args.dir)
            subprocess.run([args.vigie, "check-config", g.config], check=True, capture_output=True)
            gateways.append(g)
        log(f"starting {args.gateways} gateways ({len(DEVICES)} devices x 4 points each, window {args.window}, "
            f"poll {args.poll})")
        for g in gateways:
            g.start()
            time.sleep(0.05)

        def run_for(seconds):
            end = time.time() + seconds
            while time.time() < end:
                for g in gateways:
                    g.sample()
                hub.keep_running()
                time.sleep(min(5, max(0.1, end - time.time())))

        run_for(15)
        steady_from = time.monotonic()
        run_for(args.fault)
        steady_to = time.monotonic()
        for node in cluster.nodes[1:]:
            log(f"stopping node {node.name} for {args.fault} s")
            node.stop()
            run_for(args.fault)
            node.start()
            if not node.wait():
                log(f"{node.name} did not come back")
            log(f"{node.name} back")
            run_for(10)
        log("restarting the whole cluster")
        restart_began = time.time()
        cluster.restart()
        restart_up = time.time()
        log(f"cluster back after {restart_up - restart_began:.0f} s")
        # Longer than the capped backoff (30-60 s): every gateway has tried again.
        run_for(75)
        storm_until = time.time()
        victims = random.sample(gateways, max(1, int(round(args.kill_share * len(gateways)))))
        log(f"SIGKILL {len(victims)} gateways: {', '.join(v.id for v in victims)}")
        for v in victims:
            v.kill9()
        run_for(5)
        for v in victims:
            v.start()
        run_for(args.fault)
        log("stopping the gateways (SIGTERM: each flushes its outbox)")
        for g in gateways:
            g.terminate()
        for g in gateways:
            try:
                g.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                g.kill9()
        hub.keep_running()
        wait_quiet(hub_path)
        end = time.time()
        hub.stop()
        connections = cluster.accepted_connections(since=restart_began, until=storm_until)
    finally:
        for g in gateways:
            if g.process and g.process.poll() is None:
                g.kill9()
        if hub:
            hub.stop()
        for h in helpers:
            if h.poll() is None:
                h.terminate()
                h.wait()
        cluster.stop()

    seqs, arrivals, nbytes, order, retained, kinds = analyse(hub_path, gateways)
    missing_total, waiting_total, complete = 0, 0, 0
    problems = []
    for g in gateways:
        highest, waiting = g.outbox()
        expected = set(range(1, highest + 1)) - waiting
        missing = sorted(expected - seqs[g.id])
        waiting_total += len(waiting)
        missing_total += len(missing)
        if missing:
            problems.append(f"{g.id}: {len(missing)} missing, e.g. {missing[:5]}")
        else:
            complete += 1
    disorder = [key for key, starts in order.items() if starts != sorted(starts)]
    duplicates = kinds.get("aggregate", 0) + kinds.get("anomaly", 0) - sum(len(s) for s in seqs.values())
    elapsed = end - t0
    per_gateway = [arrivals[g.id] for g in gateways]
    per_gateway_bytes = [nbytes[g.id] for g in gateways]
    cpu, rss = cpu_and_rss(gateways, steady_from, steady_to)
    print()
    print(f"fleet: {args.gateways} gateways, {len(DEVICES)} devices x 4 points each, window {args.window}, "
          f"run {elapsed:.0f} s")
    print(f"conservation: {complete}/{len(gateways)} gateways complete; {missing_total} seqs missing; "
          f"{waiting_total} still in outboxes; {duplicates} duplicate deliveries; "
          f"{sum(len(s) for s in seqs.values())} distinct seqs at the hub")
    print(f"order per device: {len(order) - len(disorder)}/{len(order)} devices in window order"
          + (f" (out of order: {disorder[:5]})" if disorder else ""))
    for p in problems[:10]:
        print("  " + p)
    print(f"hub subscriber restarted {hub.restarts} times (refused while the cluster restarted)")
    print(f"hub: {sum(per_gateway)} messages ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}), "
          f"{sum(per_gateway_bytes)} bytes (topic + payload); per gateway median {statistics.median(per_gateway):.0f} "
          f"messages, {statistics.median(per_gateway_bytes):.0f} bytes over the run")
    if sum(per_gateway):
        print(f"hub: mean bytes per message {sum(per_gateway_bytes) / max(1, sum(per_gateway)):.0f}; "
              f"retained status topics {len(retained)} (one per gateway); connections: 1 per gateway")
    if connections:
        first = connections[0]
        buckets = {}
        for t in connections:
            buckets[int(t - first)] = buckets.get(int(t - first), 0) + 1
        span = connections[-1] - first
        print(f"reconnect after the cluster restart: {len(connections)} MQTT connection attempts reached the cluster "
              f"over {span:.1f} s, "
              f"peak {max(buckets.values())}/s, median second {statistics.median(buckets.values()):.0f}/s "
              f"(cluster restart took {restart_up - restart_began:.0f} s)")
    if cpu:
        print(f"gateway CPU (steady phase, % of one core): median {statistics.median(cpu):.2f}, "
              f"p95 {percentile(cpu, 95):.2f}; RSS MB: median {statistics.median(rss):.1f}, p95 {percentile(rss, 95):.1f}")
    ok = missing_total == 0 and not disorder
    print("fleet: " + ("PASS" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
