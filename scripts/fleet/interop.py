#!/usr/bin/env python3
"""`make interop`: the SenML/MQTT upstream path against RabbitMQ's MQTT plugin (Debian's
rabbitmq-server, one node on loopback), as it runs against mosquitto in the test suite.

Checks, in order, each printed with its figure:
  1. QoS 1 delivery: every outbox seq reaches a hub subscriber (SenML packs, `seq` in the pack).
  2. Persistent session: the hub subscriber (clean session off) goes away for 15 s and comes back
     with the same client id: what was published meanwhile is delivered to it.
  3. Retained status: a subscriber arriving later gets `online` at once.
  4. Last Will: vigie SIGKILLed: the node publishes `offline` (retained) within 1.5 x keepalive.
  5. Restarted, vigie delivers what was left: no seq missing across the SIGKILL.
Not in `make test`: a RabbitMQ node takes 20-60 s to start on this machine.
"""
import os
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "..", "chaos")]
from chaos import hub_packs  # noqa: E402
from rabbit import Cluster  # noqa: E402


def log(text):
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def subscribe(port, topic, path, client_id=None, count=None, timeout=None):
    args = ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-q", "1", "-v", "-t", topic]
    if client_id:
        args += ["-i", client_id, "-c"]
    if count:
        args += ["-C", str(count)]
    if timeout:
        args += ["-W", str(timeout)]
    return subprocess.Popen(args, stdout=open(path, "a"), stderr=subprocess.DEVNULL)


def seqs(path):
    """The `seq` of every SenML pack received (chaos.py reads the hub's file the same way)."""
    return {pack[3] for pack in hub_packs(path) if pack[3] is not None}


def main():
    vigie = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/release/vigie")
    base = os.path.join(os.environ.get("TMPDIR", "/tmp"), "vigie-interop")
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(base)
    cluster = Cluster(os.path.join(base, "rabbit"), size=1, port_base=25700, epmd_port=24469)
    procs = []
    failures = []

    def check(ok, text):
        print(("ok    " if ok else "FAIL  ") + text, flush=True)
        if not ok:
            failures.append(text)

    try:
        t0 = time.time()
        if not cluster.start():
            log("RabbitMQ did not start: see " + cluster.base)
            return 2
        port = cluster.nodes[0].mqtt_port
        log(f"RabbitMQ {cluster.nodes[0].name} up after {time.time() - t0:.0f} s, MQTT on {port}")
        sim = subprocess.Popen([vigie, "modbus", "simulate", "--port", "0", "--units", "1-1", "--registers", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        procs.append(sim)
        sim_port = int(sim.stdout.readline())
        hub_path = os.path.join(base, "hub.out")
        hub = subscribe(port, "interop/#", hub_path, client_id="interop-hub")
        procs.append(hub)
        time.sleep(2)
        config = os.path.join(base, "vigie.yaml")
        with open(config, "w") as f:
            f.write(f"""gateway:
  id: interop
  data_dir: {base}/data
  http: "off"
modbus:
  buses:
    - name: sim
      tcp: 127.0.0.1:{sim_port}
      devices:
        - name: meter
          unit: 1
          poll: 500ms
          points:
            - {{ name: r0, table: holding, address: 0, type: int16, scale: 0.1, unit: W }}
            - {{ name: r1, table: holding, address: 1, type: int16, scale: 0.1, unit: W }}
aggregate:
  window: 2s
  grace: 500ms
upstream:
  - mqtt:
      broker: 127.0.0.1:{port}
      topic: "interop/{{gateway}}/{{device}}"
      format: senml
      keepalive: 5s
""")
        out = open(os.path.join(base, "vigie.log"), "a")
        gateway = subprocess.Popen([vigie, "run", "--config", config], stdout=out, stderr=subprocess.STDOUT)
        procs.append(gateway)
        time.sleep(12)
        first = seqs(hub_path)
        check(len(first) >= 3, f"QoS 1 SenML packs arrive: {len(first)} seqs after 12 s")

        hub.terminate()
        hub.wait()
        time.sleep(15)
        hub = subscribe(port, "interop/#", hub_path, client_id="interop-hub")
        procs.append(hub)
        time.sleep(5)
        after = seqs(hub_path)
        gap = set(range(min(after), max(after) + 1)) - after if after else {0}
        check(not gap and max(after) >= max(first) + 5,
              f"persistent session: {len(after) - len(first)} packs published while the hub was away reached it; "
              f"seq {min(after)}..{max(after)}, {len(gap)} missing")

        status_path = os.path.join(base, "status.out")
        late = subscribe(port, "interop/interop/_status", status_path, count=1, timeout=5)
        late.wait()
        text = open(status_path).read()
        check('"state":"online"' in text, "retained status: a late subscriber gets online at once")

        watcher_path = os.path.join(base, "will.out")
        watcher = subscribe(port, "interop/interop/_status", watcher_path)
        procs.append(watcher)
        time.sleep(1)
        gateway.send_signal(signal.SIGKILL)
        gateway.wait()
        killed = time.time()
        while time.time() - killed < 15 and '"offline"' not in open(watcher_path).read():
            time.sleep(0.2)
        delay = time.time() - killed
        check('"offline"' in open(watcher_path).read(), f"Last Will: offline {delay:.1f} s after SIGKILL (keepalive 5 s)")
        later_path = os.path.join(base, "will-retained.out")
        later = subscribe(port, "interop/interop/_status", later_path, count=1, timeout=5)
        later.wait()
        check('"offline"' in open(later_path).read(), "the Last Will is retained: a late subscriber gets offline")

        gateway = subprocess.Popen([vigie, "run", "--config", config], stdout=out, stderr=subprocess.STDOUT)
        procs.append(gateway)
        time.sleep(10)
        gateway.terminate()
        gateway.wait(timeout=30)
        time.sleep(3)
        final = seqs(hub_path)
        gap = sorted(set(range(min(final), max(final) + 1)) - final)
        check(not gap, f"across the SIGKILL: seq {min(final)}..{max(final)} complete ({len(gap)} missing)")
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
                p.wait()
        cluster.stop()
    print("interop: " + ("PASS" if not failures else f"FAIL ({len(failures)})"))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
