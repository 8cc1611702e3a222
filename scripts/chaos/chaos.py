#!/usr/bin/env python3
"""Chaos campaigns against the real `vigie` binary (see docs/reliability.md).

    scripts/chaos/chaos.py VIGIE [crash|outage|resource|all] [--short]

Environment: CHAOS_KILLS (crash: SIGKILLs, default 20), CHAOS_DURATION (outage and resource:
seconds each, default 240), CHAOS_SEED. Exit 1 when a campaign finds a loss.
"""
import csv
import datetime
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peers import Broker, ModbusCounter, Publisher, free_port, spawn, wait_port  # noqa: E402

WINDOW = 2.0  # aggregate window, seconds
GRACE = 1.0


def config(data, http, modbus, local, hub, max_size="64MB"):
    return f"""gateway:
  id: chaos
  data_dir: {data}
  http: 127.0.0.1:{http}
modbus:
  buses:
    - name: sim
      tcp: 127.0.0.1:{modbus}
      timeout: 300ms
      devices:
        - name: counter
          unit: 1
          poll: 200ms
          points:
            - {{ name: tenths, table: holding, address: 0, type: uint32 }}
mqtt:
  broker: 127.0.0.1:{local}
  client_id: chaos-gateway
  subscriptions:
    - {{ topic: "chaos/+/seq", format: value, sensor: "{{1}}/seq" }}
    - {{ topic: "noise/+", format: value, sensor: "noise/{{1}}" }}
aggregate:
  window: {int(WINDOW)}s
  grace: {int(GRACE)}s
  stats: [count, min, max, mean, last]
upstream:
  - mqtt:
      broker: 127.0.0.1:{hub}
      topic: "hub/{{gateway}}/{{device}}"
      format: senml
      send: [aggregate]
buffer:
  max_size: {max_size}
"""


class Rig:
    """Brokers, Modbus counter, publisher, hub subscriber and the daemon for one campaign."""

    def __init__(self, vigie, name, data=None, max_size="64MB"):
        self.vigie = vigie
        self.work = tempfile.mkdtemp(prefix=f"vigie-chaos-{name}-")
        self.data = data or os.path.join(self.work, "data")
        self.local = Broker(self.work, "local")
        self.hub = Broker(self.work, "hub", log_all=True)
        self.local.start()
        self.hub.start()
        self.modbus = ModbusCounter()
        self.http = free_port()
        self.config = os.path.join(self.work, "vigie.yaml")
        with open(self.config, "w") as f:
            f.write(config(self.data, self.http, self.modbus.port, self.local.port, self.hub.port, max_size))
        self.hub_file = os.path.join(self.work, "hub.txt")
        self.subscriber = None
        self.daemon = None
        self.downtimes = []  # (killed at, restarted at)
        self.stops = []  # (broker, stopped at)
        self.publisher = Publisher(self.work, self.local, "chaos/pub/seq")

    def start(self):
        """The hub's subscriber, the daemon (once it serves HTTP) and the sequence publisher."""
        self.start_subscriber()
        self.start_daemon()
        wait_port(self.http, 15)
        self.publisher.start()

    def start_subscriber(self):
        if self.subscriber is None or self.subscriber.poll() is not None:
            self.subscriber = spawn(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(self.hub.port), "-q", "1", "-c",
                                     "-i", "chaos-hub", "-v", "-t", "hub/#"], self.hub_file)

    def start_daemon(self):
        self.daemon = spawn([self.vigie, "run", "--config", self.config], os.path.join(self.work, "vigie.log"))

    def kill_daemon(self):
        self.daemon.kill()
        self.daemon.wait()

    def stop_daemon(self):
        self.daemon.terminate()
        return self.daemon.wait(timeout=40)

    def metrics(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.http}/metrics", timeout=2) as answer:
                return answer.read().decode()
        except OSError:
            return ""

    def metric(self, name, label=""):
        total = 0.0
        for line in self.metrics().splitlines():
            if line.startswith(name) and label in line and not line.startswith("#"):
                total += float(line.rsplit(" ", 1)[1])
        return total

    def export(self):
        """Every stored reading as (sensor, time ms, value), read by `vigie export` (read-only, WAL)."""
        out = subprocess.run([self.vigie, "export", "--data-dir", self.data, "--format", "csv"],
                             capture_output=True, text=True, timeout=60)
        rows = set()
        for row in csv.DictReader(out.stdout.splitlines()):
            stamp = datetime.datetime.fromisoformat(row["time"].replace("Z", "+00:00"))
            rows.add((row.get("sensor"), str(round(stamp.timestamp() * 1000)), row.get("value"), row.get("quality", "")))
        return rows

    def cleanup(self, failed=False):
        """Removes the run folder, unless CHAOS_KEEP is set or the campaign failed (then its logs are kept)."""
        if failed:
            log = os.path.join(self.work, "vigie.log")
            tail = open(log, errors="replace").read().splitlines()[-15:] if os.path.exists(log) else []
            print("\n".join(["vigie.log, last lines:"] + tail), file=sys.stderr)
        if os.environ.get("CHAOS_KEEP") or failed:
            print(f"kept {self.work}", file=sys.stderr)
            return
        shutil.rmtree(self.work, ignore_errors=True)


def hub_packs(path):
    """(arrival index, device, window start s, seq, {point: count}) per SenML pack the hub received."""
    packs = []
    for line in open(path, errors="replace"):
        _, _, payload = line.partition(" ")
        try:
            pack = json.loads(payload)
        except ValueError:
            continue
        if not isinstance(pack, list) or not pack:
            continue
        head = pack[0]
        bn, bt, seq = head.get("bn", ""), head.get("bt"), head.get("seq")
        counts = {}
        for record in pack:
            name = record.get("n", "")
            if name.endswith(":count"):
                counts[name[:-6]] = record.get("v")
        device = bn.rstrip(":").split(":")[-1]
        packs.append((len(packs), device, bt, seq, counts))
    return packs


def expected_windows(readings, until_ms):
    """{(device, window start s): {point: count}} from stored readings, windows ending before `until_ms`."""
    expected = {}
    for sensor, t, value, quality in readings:
        if sensor is None or t is None or quality.startswith("bad"):
            continue
        device, _, point = sensor.partition("/")
        start = (int(t) // int(WINDOW * 1000)) * int(WINDOW * 1000)
        if start + WINDOW * 1000 > until_ms or value in ("", "nan"):
            continue
        key = (device, start / 1000)
        expected.setdefault(key, {}).setdefault(point, 0)
        expected[key][point] += 1
    return expected


def compare(expected, packs):
    """Missing, doubled (same window, different seq), mismatched counts, duplicates (same seq), order breaks."""
    seen = {}
    duplicates = doubled = order = 0
    last = {}
    for _, device, bt, seq, counts in packs:
        key = (device, float(bt))
        if key in seen:
            if seen[key][0] == seq:
                duplicates += 1
            else:
                doubled += 1
            continue
        seen[key] = (seq, counts)
        if device in last and float(bt) < last[device]:
            order += 1
        last[device] = float(bt)
    missing = [k for k in expected if k not in seen]
    mismatched = [k for k in expected if k in seen and any(seen[k][1].get(p) != c for p, c in expected[k].items())]
    return missing, doubled, mismatched, duplicates, order


def settle(rig, seconds=8):
    """Stops the publisher, lets the daemon deliver, stops it with SIGTERM; returns the stop time (ms)."""
    rig.publisher.stop()
    time.sleep(seconds)
    stopped = time.time() * 1000
    rc = rig.stop_daemon()
    time.sleep(2)
    return stopped, rc


def crash(vigie, short, rng):
    kills = 3 if short else int(os.environ.get("CHAOS_KILLS", "20"))
    rig = Rig(vigie, "crash")
    passed = False
    try:
        rig.start()
        snapshots = set()
        for _ in range(kills):
            time.sleep(rng.uniform(1.0, 6.0))
            committed = rig.export()  # committed by now: must survive the kill
            snapshots |= committed
            killed = time.time()
            rig.kill_daemon()
            time.sleep(rng.uniform(0.0, 2.0))
            rig.start_daemon()
            rig.downtimes.append((killed, time.time()))
        time.sleep(4)
        stopped, rc = settle(rig)
        final = rig.export()
        lost_committed = len(snapshots - final)
        # MQTT: libmosquitto acknowledges before vigie commits (docs/reliability.md): a value can be
        # lost only if it reached vigie within a batch interval plus the poll before a kill.
        stored = {int(float(v)) for s, _, v, _q in final if s == "pub/seq"}
        lost_window = lost_other = 0
        for seq, sent in rig.publisher.sent:
            if seq in stored:
                continue
            if any(killed - 1.5 <= sent <= killed + 0.1 for killed, _ in rig.downtimes):
                lost_window += 1
            elif sent < stopped / 1000 - 2:
                lost_other += 1
        # Modbus: polled values, so continuity: a gap over 1.5 s must overlap a downtime.
        times = sorted(int(t) / 1000 for s, t, _, _q in final if s == "counter/tenths")
        unexplained = sum(1 for a, b in zip(times, times[1:])
                          if b - a > 1.5 and not any(k - 1.5 <= b and a <= r + 15 for k, r in rig.downtimes))
        missing, doubled, mismatched, dups, order = compare(expected_windows(final, stopped - 4000), hub_packs(rig.hub_file))
        ok = lost_committed == 0 and lost_other == 0 and unexplained == 0 and not missing and doubled == 0 and not mismatched
        print(f"crash: N={kills} SIGKILL restarts, {len(snapshots)} committed readings checked, {lost_committed} lost; "
              f"MQTT {len(rig.publisher.sent)} published, {lost_other} lost outside the ack-before-commit window "
              f"({lost_window} inside it); Modbus {len(times)} stored, {unexplained} unexplained gaps; "
              f"{len(expected_windows(final, stopped - 4000))} aggregates expected, {len(missing)} missing, "
              f"{doubled} doubled, {len(mismatched)} with a wrong count, {dups} duplicates (same seq); exit {rc}")
        passed = ok and rc == 0
        return passed
    finally:
        rig.cleanup(failed=not passed)


def outage(vigie, short, rng):
    duration = 12 if short else int(os.environ.get("CHAOS_DURATION", "240"))
    rig = Rig(vigie, "outage")
    passed = False
    try:
        rig.start()
        end = time.time() + duration
        while time.time() < end:
            time.sleep(rng.uniform(1.0, 5.0))
            broker = rig.hub if rng.random() < 0.6 else rig.local
            broker.stop()
            rig.stops.append(("hub" if broker is rig.hub else "local", time.time()))
            time.sleep(rng.uniform(1.0, 6.0))
            broker.start()
            if broker is rig.hub:
                rig.start_subscriber()
        rig.start_subscriber()
        stopped, rc = settle(rig, 12)
        final = rig.export()
        expected = expected_windows(final, stopped - 4000)
        missing, doubled, mismatched, dups, order = compare(expected, hub_packs(rig.hub_file))
        ok = not missing and doubled == 0 and not mismatched and order == 0
        if missing:
            print("outage: missing windows (device, start s):", sorted(missing)[:12], file=sys.stderr)
            print("outage: broker stops (name, t s):", [(n, round(t, 1)) for n, t in rig.stops], file=sys.stderr)
        print(f"outage: {rig.hub.outages} hub and {rig.local.outages} local broker outages in {duration} s; "
              f"{len(expected)} aggregates expected, {len(missing)} missing, {doubled} doubled, {len(mismatched)} with a "
              f"wrong count, {order} out of order; {dups} duplicates, all with their original seq; exit {rc}")
        passed = ok and rc == 0
        return passed
    finally:
        rig.cleanup(failed=not passed)


def rss_kb(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def slope_per_hour(samples):
    if len(samples) < 3:
        return 0.0
    n = len(samples)
    mt = sum(t for t, _ in samples) / n
    mv = sum(v for _, v in samples) / n
    var = sum((t - mt) ** 2 for t, _ in samples)
    return 0.0 if var == 0 else sum((t - mt) * (v - mv) for t, v in samples) / var * 3600


def mount_tiny(path, megabytes):
    os.makedirs(path, exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", path],
                          capture_output=True).returncode == 0


def resource(vigie, short, rng):
    duration = 15 if short else int(os.environ.get("CHAOS_DURATION", "240"))
    mountpoint = tempfile.mkdtemp(prefix="vigie-chaos-fs-")
    mounted = mount_tiny(mountpoint, 6)
    budget = 2 << 20
    rig = Rig(vigie, "resource", data=os.path.join(mountpoint, "data"), max_size="2MB")
    noise = None
    passed = False
    try:
        rig.start()
        # Noisy values at ~1,000/s over 50 sensors so the budget is reached.
        noise_script = ("import random,sys,time\n"
                        "while True:\n"
                        " print('\\n'.join(str(random.random()) for _ in range(100)))\n"
                        " sys.stdout.flush(); time.sleep(0.1)\n")
        noise = spawn(["sh", "-c", f"python3 -c \"{noise_script}\" | mosquitto_pub -h 127.0.0.1 -p {rig.local.port} "
                       f"-q 0 -i chaos-noise -l -t noise/x"], os.path.join(rig.work, "noise.log"))
        samples, largest = [], 0
        start = time.time()
        phase_len = duration / 3
        filler = os.path.join(mountpoint, "filler")
        dropped_before = committed_full = committed_after = 0.0
        phase, freed_at = "fill", None
        # The full phase lasts until the store refuses a batch (SQLite writes into the room its
        # write-ahead log already has before it needs a new page), at most 30 s more.
        while freed_at is None or time.time() - freed_at < phase_len:
            elapsed = time.time() - start
            if phase == "fill" and elapsed > phase_len:
                phase = "full"
                dropped_before = rig.metric("vigie_store_readings_dropped_total")
                if mounted:
                    subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=64k"], capture_output=True)
            refused = not mounted or rig.metric("vigie_store_readings_dropped_total") > dropped_before
            if phase == "full" and elapsed > 2 * phase_len and (refused or elapsed > 2 * phase_len + 30):
                phase, freed_at = "free", time.time()
                committed_full = rig.metric("vigie_store_readings_committed_total")
                if os.path.exists(filler):
                    os.remove(filler)
            size = sum(os.path.getsize(p) for p in (os.path.join(rig.data, "vigie.db"), os.path.join(rig.data, "vigie.db-wal"))
                       if os.path.exists(p))
            largest = max(largest, size)
            rss = rss_kb(rig.daemon.pid)
            if rss:
                samples.append((time.time() - start, rss))
            time.sleep(0.5)
        alive = rig.daemon.poll() is None
        committed_after = rig.metric("vigie_store_readings_committed_total")
        dropped_total = rig.metric("vigie_store_readings_dropped_total")
        evicted = rig.metric("vigie_store_readings_evicted_total")
        recovered = committed_after > committed_full
        half = samples[len(samples) // 2:]
        slope = slope_per_hour(half)
        rc = rig.stop_daemon() if alive else rig.daemon.returncode
        ok = alive and recovered and largest <= budget and (not mounted or dropped_total > dropped_before)
        print(f"resource: {'tmpfs 6 MB' if mounted else 'no mount (page limit only)'}, budget 2 MB; still running: "
              f"{'yes' if alive else 'NO'}; {int(dropped_total)} readings counted as not kept (disk full), "
              f"{int(evicted)} evicted by the budget; recovered after space returned: {'yes' if recovered else 'NO'}; "
              f"largest db+wal {largest // 1024} KB; RSS {samples[-1][1] if samples else 0} KB, slope {slope:+.0f} KB/hour "
              f"over the last {half[-1][0] - half[0][0] if half else 0:.0f} s; exit {rc}")
        passed = ok and rc == 0
        return passed
    finally:
        if noise and noise.poll() is None:
            os.killpg(noise.pid, 9)
        rig.cleanup(failed=not passed)
        if mounted:
            subprocess.run(["umount", "-l", mountpoint], capture_output=True)
        shutil.rmtree(mountpoint, ignore_errors=True)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    short = "--short" in sys.argv
    if not args:
        print(__doc__)
        return 2
    vigie = os.path.abspath(args[0])
    which = args[1] if len(args) > 1 else "all"
    rng = random.Random(int(os.environ.get("CHAOS_SEED", str(int(time.time())))))
    campaigns = {"crash": crash, "outage": outage, "resource": resource}
    names = list(campaigns) if which == "all" else [which]
    results = [campaigns[n](vigie, short, rng) for n in names]
    print(f"chaos: {sum(results)} passed, {len(results) - sum(results)} failed", flush=True)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
