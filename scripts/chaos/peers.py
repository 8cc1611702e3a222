"""Peers for the chaos campaigns: brokers, a Modbus TCP counter, an MQTT publisher, the daemon.

Standard library only. Every process starts in its own session and is recorded, so `stop_all`
(registered with atexit and on SIGINT/SIGTERM) kills what this run started, and nothing else.
All traffic is on 127.0.0.1.
"""
import atexit
import os
import signal
import socket
import struct
import subprocess
import threading
import time

STARTED = []  # Popen objects this run started


def stop_all():
    for proc in STARTED:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
    for proc in STARTED:
        try:
            proc.wait(timeout=5)
        except Exception:
            pass


def _on_signal(signum, _frame):
    stop_all()
    raise SystemExit(128 + signum)


atexit.register(stop_all)
signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGINT, _on_signal)


def spawn(argv, log, stdin=None):
    proc = subprocess.Popen(argv, stdout=open(log, "ab"), stderr=subprocess.STDOUT, stdin=stdin,
                            start_new_session=True)
    STARTED.append(proc)
    return proc


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, seconds=10.0):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.05)
    return False


class Broker:
    """A mosquitto on loopback with persistence, so sessions survive a stop and start.

    Started as root, mosquitto 2.0 drops to the `mosquitto` user unless told `user root`: it then
    cannot write its persistence file in our 0700 temporary folder ("Error saving in-memory
    database ... Permission denied"), and every restart forgets the sessions (the hub subscriber's
    subscription and its queued messages). `log_all` logs every packet (the hub's, to count what
    it received).
    """

    def __init__(self, work, name, log_all=False):
        self.port = free_port()
        self.dir = os.path.join(work, name)
        os.makedirs(self.dir, exist_ok=True)
        self.conf = os.path.join(self.dir, "mosquitto.conf")
        with open(self.conf, "w") as f:
            f.write(f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence true\n"
                    f"persistence_location {self.dir}/\nmax_queued_messages 1000000\nmax_inflight_messages 0\n"
                    + ("user root\n" if os.geteuid() == 0 else "")
                    + ("log_type all\n" if log_all else ""))
        self.proc = None
        self.outages = 0

    def start(self):
        self.proc = spawn(["mosquitto", "-c", self.conf], os.path.join(self.dir, "log"))
        if not wait_port(self.port):
            raise SystemExit(f"mosquitto did not start on {self.port}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM: saves the persistence file
            self.proc.wait(timeout=10)
            self.outages += 1

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None


class ModbusCounter:
    """A Modbus TCP server whose holding registers 0-1 hold a uint32 counting tenths of a second."""

    def __init__(self):
        self.port = free_port()
        self.t0 = time.time()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", self.port))
        self.sock.listen(8)
        threading.Thread(target=self._accept, daemon=True).start()

    def value(self):
        return int((time.time() - self.t0) * 10)

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        with conn:
            while True:
                head = self._read(conn, 7)
                if head is None:
                    return
                tid, pid, length, unit = struct.unpack(">HHHB", head)
                pdu = self._read(conn, length - 1)
                if pdu is None:
                    return
                function, address, count = struct.unpack(">BHH", pdu[:5])
                if function not in (3, 4) or address + count > 2:
                    reply = struct.pack(">BB", function | 0x80, 2)
                else:
                    regs = struct.pack(">I", self.value() & 0xFFFFFFFF)[address * 2:(address + count) * 2]
                    reply = struct.pack(">BB", function, len(regs)) + regs
                conn.sendall(struct.pack(">HHHB", tid, pid, len(reply) + 1, unit) + reply)

    @staticmethod
    def _read(conn, n):
        data = b""
        while len(data) < n:
            try:
                chunk = conn.recv(n - len(data))
            except OSError:
                return None
            if not chunk:
                return None
            data += chunk
        return data


class Publisher:
    """Publishes 1, 2, 3... with QoS 1 on `topic` every `interval` s (mosquitto_pub -l, restarted if it exits).

    `sent` holds (seq, time written) for every value handed to a running mosquitto_pub.
    """

    def __init__(self, work, broker, topic, interval=0.05):
        self.work, self.broker, self.topic, self.interval = work, broker, topic, interval
        self.sent = []
        self.stopping = threading.Event()
        self.proc = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self.thread.start()

    def _spawn(self):
        self.proc = spawn(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(self.broker.port), "-q", "1",
                           "-i", "chaos-publisher", "-l", "-t", self.topic],
                          os.path.join(self.work, "publisher.log"), stdin=subprocess.PIPE)

    def _run(self):
        seq = 0
        while not self.stopping.is_set():
            if not self.broker.running:
                time.sleep(0.1)
                continue
            if self.proc is None or self.proc.poll() is not None:
                self._spawn()
                time.sleep(0.3)
            seq += 1
            try:
                self.proc.stdin.write(f"{seq}\n".encode())
                self.proc.stdin.flush()
                self.sent.append((seq, time.time()))
            except OSError:
                seq -= 1
                self.proc = None
            time.sleep(self.interval)

    def stop(self):
        self.stopping.set()
        self.thread.join()
        if self.proc and self.proc.poll() is None:
            self.proc.stdin.close()
            time.sleep(1.0)  # let it send what it read
            self.proc.terminate()
