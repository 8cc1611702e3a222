#!/usr/bin/env python3
"""Modbus polling of 1, 10, 100 simulated devices at 1 s, and collectd side by side.

The simulator is `vigie modbus simulate` (a hidden developer verb: the test suite's libmodbus
simulator as its own process), serving each unit 4 int16 holding registers over loopback TCP.

  modbus.py poll [SECONDS]       vigie alone, 1, 10 and 100 devices: CPU % of one core, readings/s,
                                 RSS, disk bytes per reading, start to first poll (ms)
  modbus.py startup              start to first poll, 1 and 100 devices polled every 50 ms
  modbus.py collectd [SECONDS]   vigie and collectd 5.12 (modbus + mqtt plugins) polling the same
                                 100 devices in the same run, collectd publishing to a loopback
                                 broker, vigie forwarding aggregates to it: CPU and RSS of each
"""
import os
import shutil
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from common import VIGIE, Stack, Snapshot, metric, stored_readings, row, free_port  # noqa: E402

REGISTERS = 4


def simulator(stack, units):
    process = stack.spawn([VIGIE, "modbus", "simulate", "--port", "0", "--units", f"1-{units}",
                           "--registers", str(REGISTERS)], stdout=subprocess.PIPE)
    port = int(process.stdout.readline())
    return process, port


def modbus_body(port, devices, poll="1s"):
    lines = ["modbus:", "  buses:", "    - name: sim", f"      tcp: 127.0.0.1:{port}", "      timeout: 1s", "      devices:"]
    for unit in range(1, devices + 1):
        lines += [f"        - name: dev-{unit}", f"          unit: {unit}", f"          poll: {poll}", "          points:"]
        lines += [f"            - {{ name: r{i}, table: holding, address: {i}, type: int16, scale: 0.1 }}"
                  for i in range(REGISTERS)]
    return "\n".join(lines) + "\n"


def measure(process, http, seconds):
    before = Snapshot(process.pid)
    committed_before = metric(http, "vigie_store_readings_committed_total") if http else 0
    peak = before.rss
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(0.5)
        peak = max(peak, Snapshot(process.pid).rss)
    after = Snapshot(process.pid)
    committed = (metric(http, "vigie_store_readings_committed_total") - committed_before) if http else 0
    return before, after, peak, committed


def poll(stack, seconds):
    for devices in (1, 10, 100):
        sim, port = simulator(stack, devices)
        http = free_port()
        config, data_dir = stack.vigie_config(f"modbus-{devices}", modbus_body(port, devices), http)
        spawned = time.monotonic()
        vigie = stack.vigie(config, http)
        line = sim.stdout.readline().split()
        first_poll_ms = (int(line[1]) / 1e9 - spawned) * 1000 if line and line[0] == b"first-request" else float("nan")
        time.sleep(5)  # warm-up: connections made, every device polled a few times
        before, after, peak, committed = measure(vigie, http, seconds)
        elapsed = after.time - before.time
        row(f"modbus {devices} devices @1s", readings_s=f"{committed / elapsed:.0f}",
            cpu_pct_one_core=f"{(after.cpu - before.cpu) / elapsed * 100:.2f}",
            cpu_s_per_M=f"{(after.cpu - before.cpu) / max(1, committed) * 1e6:.1f}",
            rss_kB=after.rss, peak_rss_kB=max(peak, after.hwm),
            disk_B_per_reading=f"{(after.written - before.written) / max(1, committed):.0f}",
            start_to_first_poll_ms=f"{first_poll_ms:.0f}")
        stack.stop(vigie)
        stack.stop(sim)
        stored_readings(data_dir)


def startup(stack, runs=5):
    """Start to first poll with a 50 ms poll interval: polls are aligned to their interval on
    the wall clock (a 1 s poll waits for the next whole second), so this bounds that wait to
    50 ms and shows the daemon's own start-up (spawn, config, store, sources)."""
    for devices in (1, 100):
        sim, port = simulator(stack, devices)
        times = []
        for run in range(runs):
            http = free_port()
            config, _ = stack.vigie_config(f"startup-{devices}-{run}", modbus_body(port, devices, "50ms"), http)
            spawned = time.monotonic()
            vigie = stack.spawn([VIGIE, "run", "--config", config, "--log-level", "warning"])
            line = sim.stdout.readline().split()
            if line and line[0] == b"first-request":
                times.append((int(line[1]) / 1e9 - spawned) * 1000)
            stack.stop(vigie)
            stack.stop(sim)
            sim, port = simulator(stack, devices)
        times.sort()
        row(f"start to first poll, {devices} devices", median_ms=f"{times[len(times) // 2]:.0f}",
            min_ms=f"{times[0]:.0f}", max_ms=f"{times[-1]:.0f}", alignment_wait="<= 50 ms included")
        stack.stop(sim)


def collectd_config(directory, modbus_port, broker, devices):
    data = "\n".join(f'  <Data "r{i}">\n    RegisterBase {i}\n    RegisterType Int16\n    Type gauge\n'
                     f'    Instance "r{i}"\n  </Data>' for i in range(REGISTERS))
    collect = "".join(f'      Collect "r{i}"\n' for i in range(REGISTERS))
    slaves = "\n".join(f'    <Slave {unit}>\n      Instance "dev-{unit}"\n{collect}    </Slave>'
                       for unit in range(1, devices + 1))
    text = f"""Interval 1
Hostname "bench"
FQDNLookup false
BaseDir "{directory}"
PIDFile "{directory}/collectd.pid"
PluginDir "/usr/lib/collectd"
TypesDB "/usr/share/collectd/types.db"
LoadPlugin logfile
<Plugin logfile>
  LogLevel warning
  File "{directory}/collectd.log"
</Plugin>
LoadPlugin modbus
LoadPlugin mqtt
<Plugin modbus>
{data}
  <Host "sim">
    Address "127.0.0.1"
    Port "{modbus_port}"
    Interval 1
{slaves}
  </Host>
</Plugin>
<Plugin mqtt>
  <Publish "bench">
    Host "127.0.0.1"
    Port {broker}
    ClientId "collectd-bench"
    QoS 1
  </Publish>
</Plugin>
"""
    path = os.path.join(directory, "collectd.conf")
    with open(path, "w") as f:
        f.write(text)
    return path


def side_by_side(stack, seconds, devices=100):
    collectd = shutil.which("collectd") or "/usr/sbin/collectd"
    if not os.path.exists(collectd):
        print("collectd is not installed (apt-get install collectd-core): skipped")
        return
    sim, port = simulator(stack, devices)
    broker = stack.broker()
    counter = stack.spawn(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(broker), "-t", "#", "-v"], stdout=subprocess.PIPE)
    received = {"collectd": 0, "vigie": 0}

    def count():
        for line in counter.stdout:
            if line.startswith(b"collectd/"):
                received["collectd"] += 1
            elif line.startswith(b"bench/vigie/"):
                received["vigie"] += 1
    threading.Thread(target=count, daemon=True).start()
    http = free_port()
    body = modbus_body(port, devices) + (
        f"aggregate:\n  window: 1m\nupstream:\n  - mqtt:\n      broker: 127.0.0.1:{broker}\n"
        f"      client_id: vigie-bench-up\n      topic: \"bench/vigie/{{device}}\"\n")
    config, _ = stack.vigie_config("side-by-side", body, http)
    vigie = stack.vigie(config, http)
    collectd_process = stack.spawn([collectd, "-f", "-C", collectd_config(stack.dir, port, broker, devices)])
    time.sleep(5)
    processes = {"vigie": vigie, "collectd": collectd_process}
    before = {name: Snapshot(p.pid) for name, p in processes.items()}
    committed_before = metric(http, "vigie_store_readings_committed_total")
    peaks = {name: s.rss for name, s in before.items()}
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(0.5)
        for name, p in processes.items():
            peaks[name] = max(peaks[name], Snapshot(p.pid).rss)
    after = {name: Snapshot(p.pid) for name, p in processes.items()}
    committed = metric(http, "vigie_store_readings_committed_total") - committed_before
    for name in processes:
        elapsed = after[name].time - before[name].time
        extra = {"readings_s": f"{committed / elapsed:.0f}"} if name == "vigie" else {}
        row(f"side by side: {name}, {devices} devices @1s", **extra,
            cpu_pct_one_core=f"{(after[name].cpu - before[name].cpu) / elapsed * 100:.2f}",
            rss_kB=after[name].rss, peak_rss_kB=max(peaks[name], after[name].hwm),
            disk_B_s=f"{(after[name].written - before[name].written) / elapsed:.0f}")
    stack.stop(collectd_process)
    stack.stop(vigie)
    stack.stop(counter)
    row("broker received", collectd_messages=received["collectd"], vigie_messages=received["vigie"])
    stack.stop(sim)


def main():
    what = sys.argv[1] if len(sys.argv) > 1 else "poll"
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 30
    stack = Stack("modbus")
    try:
        if what in ("poll", "all"):
            poll(stack, seconds)
        if what in ("startup", "all"):
            startup(stack)
        if what in ("collectd", "all"):
            side_by_side(stack, seconds)
    finally:
        stack.close()


if __name__ == "__main__":
    main()
