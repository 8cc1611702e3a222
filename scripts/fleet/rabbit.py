"""A RabbitMQ cluster with its MQTT plugin on 127.0.0.1, for the fleet harness and the interop check.

Debian's rabbitmq-server, run as the current user from /usr/lib/rabbitmq/bin (the /usr/sbin
wrapper switches to the rabbitmq user), each node with its own name (fleetN@localhost), ports,
mnesia and log directories, and its own epmd port so that nothing clashes with a system RabbitMQ.
The nodes form one cluster on first start (classic_config peer discovery).
"""
import calendar
import os
import re
import signal
import socket
import subprocess
import time

BIN = "/usr/lib/rabbitmq/bin"


class Node:
    def __init__(self, cluster, index):
        self.cluster = cluster
        self.index = index
        self.name = f"fleet{index}@localhost"
        self.dir = os.path.join(cluster.base, f"n{index}")
        self.amqp_port = cluster.port_base + index
        self.mqtt_port = cluster.port_base + 10 + index
        self.dist_port = cluster.port_base + 20 + index
        self.process = None

    @property
    def mqtt(self):
        return f"127.0.0.1:{self.mqtt_port}"

    def env(self):
        env = dict(os.environ)
        env.update({
            "HOME": self.cluster.base, "ERL_EPMD_PORT": str(self.cluster.epmd_port),
            "RABBITMQ_NODENAME": self.name, "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": os.path.join(self.dir, "mnesia"), "RABBITMQ_LOG_BASE": os.path.join(self.dir, "log"),
            "RABBITMQ_CONFIG_FILE": os.path.join(self.dir, "rabbitmq"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": os.path.join(self.dir, "enabled_plugins"),
            "RABBITMQ_PID_FILE": os.path.join(self.dir, "pid"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": os.path.join(self.dir, "advanced.config"),
            "RABBITMQ_CONF_ENV_FILE": os.path.join(self.dir, "env"),
        })
        return env

    def configure(self):
        for sub in ("mnesia", "log"):
            os.makedirs(os.path.join(self.dir, sub), exist_ok=True)
        peers = "\n".join(f"cluster_formation.classic_config.nodes.{n.index} = {n.name}" for n in self.cluster.nodes)
        with open(os.path.join(self.dir, "rabbitmq.conf"), "w") as f:
            f.write(f"""listeners.tcp.default = 127.0.0.1:{self.amqp_port}
mqtt.listeners.tcp.default = 127.0.0.1:{self.mqtt_port}
mqtt.allow_anonymous = true
mqtt.default_user = guest
mqtt.default_pass = guest
loopback_users = none
cluster_formation.peer_discovery_backend = classic_config
{peers}
log.file.level = info
""")
        with open(os.path.join(self.dir, "enabled_plugins"), "w") as f:
            f.write("[rabbitmq_mqtt].\n")

    def start(self):
        log = open(os.path.join(self.dir, "server.out"), "a")
        self.process = subprocess.Popen([f"{BIN}/rabbitmq-server"], env=self.env(), stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)

    def stop(self):
        """Stops the node (its whole process group: beam and its helpers), waits for it."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None

    def listening(self):
        with socket.socket() as s:
            s.settimeout(0.5)
            return s.connect_ex(("127.0.0.1", self.mqtt_port)) == 0

    def wait(self, timeout=300):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.listening():
                return True
            if self.process and self.process.poll() is not None:
                return False
            time.sleep(0.5)
        return False

    def log_path(self):
        return os.path.join(self.dir, "log", f"{self.name}.log")

    def ctl(self, *args):
        return subprocess.run([f"{BIN}/rabbitmqctl", "-n", self.name, *args], env=self.env(), capture_output=True,
                              text=True, timeout=120)


class Cluster:
    def __init__(self, base, size=3, port_base=25600, epmd_port=24369):
        self.base = base
        self.port_base = port_base
        self.epmd_port = epmd_port
        self.nodes = []
        self.nodes = [Node(self, i + 1) for i in range(size)]

    def start(self):
        os.makedirs(self.base, exist_ok=True)
        cookie = os.path.join(self.base, ".erlang.cookie")
        if not os.path.exists(cookie):
            with open(cookie, "w") as f:
                f.write("vigiefleetcookie")
            os.chmod(cookie, 0o400)
        for node in self.nodes:
            node.configure()
            node.start()
        return all(node.wait() for node in self.nodes)

    def stop(self):
        for node in reversed(self.nodes):
            node.stop()
        # The epmd this cluster started on its own port.
        subprocess.run(["epmd", "-port", str(self.epmd_port), "-kill"], env={"ERL_EPMD_PORT": str(self.epmd_port),
                       "PATH": os.environ.get("PATH", "")}, capture_output=True)

    def restart(self):
        """The whole cluster down, then up again (all nodes at once: each waits for its peers)."""
        for node in reversed(self.nodes):
            node.stop()
        for node in self.nodes:
            node.start()
        return all(node.wait() for node in self.nodes)

    def accepted_connections(self, since=0.0, until=float("inf")):
        """Times (Unix seconds) of the MQTT connection attempts that reached a listening node (its
        log's "accepting MQTT connection", written on TCP accept, before the CONNECT is handled)."""
        times = []
        pattern = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)\+00:00 .*accepting MQTT connection")
        for node in self.nodes:
            try:
                lines = open(node.log_path(), errors="replace")
            except OSError:
                continue
            for line in lines:
                m = pattern.match(line)
                if m:
                    t = calendar.timegm(time.strptime(m.group(1)[:19], "%Y-%m-%d %H:%M:%S"))
                    t += float("0." + m.group(1)[20:])
                    if since <= t <= until:
                        times.append(t)
        return sorted(times)
