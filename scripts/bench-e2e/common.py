"""Shared helpers of the end-to-end benchmarks: processes, brokers, /proc sampling, vigie configs.

Only public tools: mosquitto, mosquitto_pub, mosquitto_sub, /proc/PID/{stat,status,io}.
Everything runs on 127.0.0.1; every process started here is stopped by `Stack.close()`.
"""
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
VIGIE = os.environ.get("VIGIE", os.path.join(ROOT, ".build", "release", "vigie"))
TICK = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    """utime + stime of a process (its threads included), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def status_kb(pid, key):
    """VmRSS / VmHWM (peak RSS) of /proc/PID/status, in kB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def write_bytes(pid):
    """Bytes this process caused to be written to the block layer (/proc/PID/io)."""
    with open(f"/proc/{pid}/io") as f:
        for line in f:
            if line.startswith("write_bytes:"):
                return int(line.split()[1])
    return 0


class Snapshot:
    """CPU, RSS and disk writes of one process at one instant."""
    def __init__(self, pid):
        self.time = time.monotonic()
        self.cpu = cpu_seconds(pid)
        self.rss = status_kb(pid, "VmRSS")
        self.hwm = status_kb(pid, "VmHWM")
        self.written = write_bytes(pid)


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class Stack:
    """Processes and a temp dir, all cleaned up by close() (the scripts call it in `finally`;
    SIGTERM and SIGINT become exceptions so that it runs)."""
    def __init__(self, name):
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        self.dir = tempfile.mkdtemp(prefix=f"vigie-bench-{name}-")
        self.processes = []

    def spawn(self, args, **kwargs):
        kwargs.setdefault("stdout", subprocess.DEVNULL)
        kwargs.setdefault("stderr", open(os.path.join(self.dir, os.path.basename(args[0]) + ".log"), "ab"))
        process = subprocess.Popen(args, **kwargs)
        self.processes.append(process)
        return process

    def stop(self, process, timeout=30):
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process in self.processes:
            self.processes.remove(process)

    def close(self):
        for process in reversed(self.processes):
            if process.poll() is None:
                process.kill()
                process.wait()
        self.processes = []
        if not os.environ.get("BENCH_KEEP"):
            subprocess.run(["rm", "-rf", self.dir])

    def broker(self, extra=""):
        """A mosquitto broker on a free loopback port; returns its port (see `broker_on`)."""
        return self.broker_on(free_port(), extra)

    def broker_on(self, port, extra=""):
        """A mosquitto broker on 127.0.0.1:port.

        max_queued_messages is raised far above its default of 1000: past it the broker drops
        QoS 1 messages queued for a slow or offline subscriber, which would fake a loss."""
        conf = os.path.join(self.dir, f"mosquitto-{port}.conf")
        with open(conf, "w") as f:
            f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                    f"max_queued_messages 5000000\nmax_inflight_messages 1000\n{extra}\n")
        self.spawn(["mosquitto", "-c", conf])
        wait_port(port)
        return port

    def vigie_config(self, name, body, http_port):
        data = os.path.join(self.dir, f"data-{name}")
        os.makedirs(data, exist_ok=True)
        path = os.path.join(self.dir, f"{name}.yaml")
        with open(path, "w") as f:
            f.write(f"gateway:\n  id: bench\n  data_dir: {data}\n  http: 127.0.0.1:{http_port}\n"
                    f"anomaly:\n  enabled: true\n{body}")
        return path, data

    def vigie(self, config, http_port):
        # VIGIE_WRAP="perf record -g -o FILE --" profiles it (the /proc figures are then perf's).
        wrap = os.environ.get("VIGIE_WRAP", "").split()
        process = self.spawn(wrap + [VIGIE, "run", "--config", config, "--log-level", "warning"])
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"vigie exited {process.returncode}; see {self.dir}")
            if metric(http_port, "vigie_store_readings_committed_total") is not None:
                return process
            time.sleep(0.02)
        raise RuntimeError("vigie did not serve /metrics within 30 s")


def wait_port(port, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.02)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


def metrics_text(http_port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/metrics", timeout=2) as response:
            return response.read().decode()
    except OSError:
        return None


def metric(http_port, name, text=None):
    """Sum of a Prometheus metric's samples (all label sets), or None when unreachable/absent."""
    text = text if text is not None else metrics_text(http_port)
    if text is None:
        return None
    total, found = 0.0, False
    for match in re.finditer(rf"^{name}(?:{{[^}}]*}})? ([0-9.e+-]+)$", text, re.M):
        total += float(match.group(1))
        found = True
    return total if found else (0.0 if f"# TYPE {name}" in text else None)


def senml_gateway_body(name, source_port, topic, upstream_port, window, grace, upstream_extra=""):
    """The config body of a gateway that takes SenML from `topic` on the source broker, aggregates
    `window` windows and forwards them to the upstream broker (`vigie_config` adds the rest)."""
    return (f"mqtt:\n  broker: 127.0.0.1:{source_port}\n  client_id: vigie-bench-{name}\n  subscriptions:\n"
            f"    - {{ topic: \"{topic}\", format: senml }}\n"
            f"aggregate:\n  window: {window}\n  grace: {grace}\n"
            f"upstream:\n  - mqtt:\n      broker: 127.0.0.1:{upstream_port}\n      client_id: vigie-bench-{name}-up\n"
            f"      topic: \"up/{{gateway}}/{{device}}\"\n{upstream_extra}")


def stored_readings(data_dir):
    """Readings in the store, counted by `vigie export` (CSV lines minus the header)."""
    out = subprocess.run([VIGIE, "export", "--data-dir", data_dir, "--format", "csv"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True).stdout
    return max(0, out.count(b"\n") - 1)


def row(label, **values):
    parts = [f"{label:<34}"] + [f"{k}={v}" for k, v in values.items()]
    print("  ".join(parts), flush=True)
