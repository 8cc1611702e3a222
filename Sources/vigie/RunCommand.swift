import ArgumentParser
import FoundationEssentials
import Logging
import VigieCore
import VigieDaemon

/// `vigie run --config FILE`: the daemon.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the gateway: poll, store, detect, aggregate and forward until stopped.",
        discussion: """
        Runs every source, the store, anomaly detection, aggregation and the upstream sinks \
        described by the configuration. SIGTERM or SIGINT stop polling, commit what is queued, \
        let the sinks deliver what they can (30 s at most) and exit 0. SIGHUP reloads the \
        configuration: an invalid file is refused and the running one stays. Under systemd \
        (Type=notify) it reports READY=1, STATUS= and watchdog pings. Logs go to stderr, with \
        journald priorities when stderr is the journal.

        Examples:
          vigie run --config /etc/vigie/vigie.yaml
          vigie run --config config/example.yaml --log-level debug
        """
    )

    @Option(name: .shortAndLong, help: "The configuration file (YAML).")
    var config: String

    @Option(help: "Lowest level logged: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    /// From start to the first `ResidentCodeTrimmer.trim` (the sources, store and sinks have started
    /// by then), and between the next ones: what runs every second faults straight back, a few
    /// thousand minor faults, about a millisecond of CPU a minute (docs/performance.md, "Memory").
    static let trimDelay: Duration = .seconds(10)
    static let trimInterval: Duration = .seconds(60)

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let level: Logger.Level
        do {
            level = try VigieLogging.parseLevel(logLevel)
        } catch {
            throw ValidationError("--log-level: \(error)")
        }
        _ = VigieLogging.bootstrap(level: level, environment: environment)
        let registry = VigieMetrics.bootstrap()
        let loaded: LoadedConfiguration
        do {
            loaded = try ConfigurationLoader.load(path: config)
        } catch {
            for diagnostic in error.diagnostics {
                StandardError.print(diagnostic.description)
            }
            throw ExitCode(1)
        }
        let logger = Logger(label: "vigie")
        do {
            let gateway = try await Gateway(loaded: loaded, environment: environment, logger: logger)
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    try await gateway.run(metrics: registry)
                    return true
                }
                group.addTask {
                    // Once running, start-up code is not run again: give its resident pages back,
                    // then, every minute, those of code run once in a while (folds, reloads).
                    try await Task.sleep(for: Self.trimDelay)
                    while true {
                        ResidentCodeTrimmer.trim()
                        try await Task.sleep(for: Self.trimInterval)
                    }
                }
                // The gateway's end is the command's end, trimmed or not.
                while let isGateway = try await group.next(), !isGateway {}
                group.cancelAll()
            }
        } catch {
            logger.critical("gateway failed", metadata: ["error": "\(error)"])
            throw ExitCode(2)
        }
    }
}
