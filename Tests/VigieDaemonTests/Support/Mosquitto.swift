import Foundation

/// A mosquitto broker on a free loopback port, started by a test; stopped when released.
final class Mosquitto: @unchecked Sendable {
    let port: Int
    private let directory: TemporaryDirectory
    private let configPath: String
    private var process: TestProcess?

    /// `extra` lines go after the listener (TLS settings for a TLS listener).
    init(extra: [String] = [], port: Int = freeLoopbackPort(), directory: TemporaryDirectory) throws {
        self.port = port
        self.directory = directory
        configPath = directory.path("mosquitto-\(port).conf")
        let config = ["listener \(port) 127.0.0.1", "allow_anonymous true", "max_queued_messages 100000",
                      "max_inflight_messages 0", "persistence false"] + extra
        try config.joined(separator: "\n").appending("\n").write(toFile: configPath, atomically: true, encoding: .utf8)
        try start()
    }

    /// Starts (or restarts) the broker on the same port.
    func start() throws {
        process = try TestProcess("/usr/sbin/mosquitto", ["-c", configPath], outputIn: directory.url, name: "mosquitto-\(port)")
        guard waitForPort(port) else { throw TestFailure("mosquitto did not listen on \(port): \(process?.log ?? "")") }
    }

    func stop() { process?.stop() }

    func kill9() { process?.kill9() }

    /// SIGSTOP: the broker keeps its connections open but answers nothing.
    func freeze() { process?.send(SIGSTOP) }

    var log: String { process?.log ?? "" }

    deinit { process?.stop() }
}

/// `mosquitto_sub` writing `topic payload` lines (`-v`) to a file.
final class Subscriber: @unchecked Sendable {
    private let process: TestProcess

    /// A persistent session (`-c`) named `clientID` (default `name`): a later subscriber with the
    /// same id gets what the broker queued meanwhile.
    init(port: Int, topic: String, directory: TemporaryDirectory, name: String, clientID: String? = nil,
         extra: [String] = []) throws {
        process = try TestProcess("/usr/bin/mosquitto_sub",
                                  ["-h", "127.0.0.1", "-p", "\(port)", "-q", "1", "-v", "-t", topic,
                                   "-i", clientID ?? name, "-c"] + extra,
                                  outputIn: directory.url, name: name)
    }

    var lines: [String] { process.log.split(separator: "\n").map(String.init) }

    func stop() { process.stop() }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A socat TCP proxy to a broker: killing it cuts the gateway's connection without a goodbye.
final class TCPProxy: @unchecked Sendable {
    let port: Int
    private let target: Int
    private let directory: TemporaryDirectory
    private var process: TestProcess?

    init(to target: Int, directory: TemporaryDirectory) throws {
        port = freeLoopbackPort()
        self.target = target
        self.directory = directory
        try start()
    }

    func start() throws {
        process = try TestProcess("/usr/bin/socat", ["TCP-LISTEN:\(port),bind=127.0.0.1,reuseaddr", "TCP:127.0.0.1:\(target)"],
                                  outputIn: directory.url, name: "proxy-\(port)")
        guard waitForPortListening(port) else { throw TestFailure("socat did not listen on \(port)") }
    }

    /// SIGKILL: both TCP connections are closed by the kernel, no MQTT DISCONNECT is sent.
    func cut() { process?.kill9() }

    deinit { process?.stop() }
}

/// True once `port` is in the listening state (checked in /proc, without connecting to it).
func waitForPortListening(_ port: Int) -> Bool {
    let needle = String(format: ":%04X 00000000:0000 0A", port)
    for _ in 0..<500 {
        if let table = try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8), table.contains(needle) { return true }
        usleep(10_000)
    }
    return false
}
