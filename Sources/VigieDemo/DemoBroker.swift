import VigieCore
import Glibc

/// A private mosquitto broker on a loopback port, for the demo: started, stopped (the hub
/// outage) and restarted on the same port.
package final class DemoBroker: @unchecked Sendable {
    // Unchecked: used only by the demo's driver task, one call at a time.
    package let name: String
    package let port: Int
    private let executable: String
    private let configPath: String
    private let logPath: String
    private var process: DemoProcess?

    /// Writes the broker's configuration into `directory` and starts it.
    package init(name: String, executable: String, directory: String) throws(VigieDaemonError) {
        self.name = name
        self.executable = executable
        port = LoopbackPort.free()
        configPath = "\(directory)/\(name).conf"
        logPath = "\(directory)/\(name).log"
        let lines = ["listener \(port) 127.0.0.1", "allow_anonymous true", "persistence false",
                     "max_queued_messages 100000"]
        guard let file = fopen(configPath, "w") else {
            throw VigieDaemonError(.demo, "cannot write \(configPath): check that the data folder is writable")
        }
        fputs(lines.joined(separator: "\n") + "\n", file)
        fclose(file)
        try start()
    }

    package var isRunning: Bool { process?.isRunning ?? false }

    /// Starts the broker and waits until it accepts connections (up to 5 s).
    package func start() throws(VigieDaemonError) {
        process = try DemoProcess(executable, ["-c", configPath], log: logPath)
        guard LoopbackPort.waitUntilListening(port) else {
            process?.stop()
            throw VigieDaemonError(.demo, "mosquitto did not start on 127.0.0.1:\(port); see \(logPath)")
        }
    }

    package func stop() {
        process?.stop()
        process = nil
    }

    deinit { stop() }
}
