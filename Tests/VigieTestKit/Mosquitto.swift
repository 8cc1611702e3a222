import Foundation

/// A mosquitto broker on a free loopback port, started by a test; stopped when released.
///
/// The one broker harness of the test targets: the MQTT client and source tests publish to it
/// with `publish`, the sink tests stop, kill or freeze it to show what the gateway does then.
package final class Mosquitto: @unchecked Sendable {
    package let port: Int
    package let directory: TemporaryDirectory
    private let configPath: String
    private var process: TestProcess?

    /// `extra` lines go after the listener (TLS settings for a TLS listener, limits); the files
    /// (configuration, log) go to `directory`, a fresh one unless given.
    package init(extra: [String] = [], port: Int = freeLoopbackPort(), directory: TemporaryDirectory = TemporaryDirectory()) throws {
        self.port = port
        self.directory = directory
        configPath = directory.path("mosquitto-\(port).conf")
        let config = ["listener \(port) 127.0.0.1", "allow_anonymous true", "max_queued_messages 100000",
                      "max_inflight_messages 0", "persistence false"] + extra
        try config.joined(separator: "\n").appending("\n").write(toFile: configPath, atomically: true, encoding: .utf8)
        try start()
    }

    /// Starts (or restarts) the broker on the same port.
    package func start() throws {
        process = try TestProcess("/usr/sbin/mosquitto", ["-c", configPath], outputIn: directory.url, name: "mosquitto-\(port)")
        guard waitForPort(port) else { throw TestFailure("mosquitto did not listen on \(port): \(process?.log ?? "")") }
    }

    package func stop() { process?.stop() }

    package func kill9() { process?.kill9() }

    /// SIGSTOP: the broker keeps its connections open but answers nothing.
    package func freeze() { process?.send(SIGSTOP) }

    package var log: String { process?.log ?? "" }

    /// Runs `mosquitto_pub` with these arguments against this broker (`stdin` piped to it) and
    /// waits for it; returns its exit status.
    @discardableResult
    package func publish(_ arguments: [String], stdin: Data? = nil) throws -> Int32 {
        let publisher = Process()
        publisher.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_pub")
        publisher.arguments = ["-h", "127.0.0.1", "-p", "\(port)"] + arguments
        let input = Pipe()
        if stdin != nil { publisher.standardInput = input }
        try publisher.run()
        if let stdin {
            input.fileHandleForWriting.write(stdin)
            try input.fileHandleForWriting.close()
        }
        publisher.waitUntilExit()
        return publisher.terminationStatus
    }

    /// Publishes one payload (bytes as they are) on `topic`.
    package func publish(topic: String, payload: [UInt8], qos: Int = 1) throws {
        let file = directory.path("payload-\(UUID().uuidString)")
        try Data(payload).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let status = try publish(["-q", "\(qos)", "-t", topic, "-f", file])
        guard status == 0 else { throw TestFailure("mosquitto_pub exited \(status)") }
    }

    deinit { process?.stop() }
}

/// `mosquitto_sub` writing `topic payload` lines (`-v`) to a file.
package final class Subscriber: @unchecked Sendable {
    private let process: TestProcess

    /// A persistent session (`-c`) named `clientID` (default `name`): a later subscriber with the
    /// same id gets what the broker queued meanwhile.
    package init(port: Int, topic: String, directory: TemporaryDirectory, name: String, clientID: String? = nil,
                 extra: [String] = []) throws {
        process = try TestProcess("/usr/bin/mosquitto_sub",
                                  ["-h", "127.0.0.1", "-p", "\(port)", "-q", "1", "-v", "-t", topic,
                                   "-i", clientID ?? name, "-c"] + extra,
                                  outputIn: directory.url, name: name)
    }

    package var lines: [String] { process.log.split(separator: "\n").map(String.init) }

    package func stop() { process.stop() }
}

/// A socat TCP proxy to a broker: killing it cuts the gateway's connection without a goodbye.
package final class TCPProxy: @unchecked Sendable {
    package let port: Int
    private let target: Int
    private let directory: TemporaryDirectory
    private var process: TestProcess?

    package init(to target: Int, directory: TemporaryDirectory) throws {
        port = freeLoopbackPort()
        self.target = target
        self.directory = directory
        try start()
    }

    package func start() throws {
        process = try TestProcess("/usr/bin/socat", ["TCP-LISTEN:\(port),bind=127.0.0.1,reuseaddr", "TCP:127.0.0.1:\(target)"],
                                  outputIn: directory.url, name: "proxy-\(port)")
        guard waitForPortListening(port) else { throw TestFailure("socat did not listen on \(port)") }
    }

    /// SIGKILL: both TCP connections are closed by the kernel, no MQTT DISCONNECT is sent.
    package func cut() { process?.kill9() }

    deinit { process?.stop() }
}

/// True once `port` is in the listening state (checked in /proc, without connecting to it).
package func waitForPortListening(_ port: Int) -> Bool {
    let needle = String(format: ":%04X 00000000:0000 0A", port)
    for _ in 0..<500 {
        if let table = try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8), table.contains(needle) { return true }
        usleep(10_000)
    }
    return false
}
