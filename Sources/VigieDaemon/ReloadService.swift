import Logging
import ServiceLifecycle
import UnixSignals
import VigieCore

/// Tells systemd the gateway is ready, then reloads the configuration on each SIGHUP.
///
/// The new file is validated first; when it has errors they are logged and the running
/// configuration stays. When it is valid, only the sources and sinks whose configuration
/// changed are restarted (the store, its queue and the outbox are untouched, so nothing
/// buffered is lost). Sections that need a restart (gateway, buffer, aggregate, anomaly) are
/// named in a warning.
struct ReloadService: Service {
    let gateway: Gateway
    let notifier: SystemdNotifier

    func run() async throws {
        // Trapped before READY=1: a SIGHUP sent as soon as systemd (or a test) sees it must not kill the process.
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        try? notifier.ready(status: await gateway.statusLine())
        gateway.logger.info("gateway ready")
        for await _ in hangups.cancelOnGracefulShutdown() {
            try? notifier.reloading()
            await gateway.reload()
            try? notifier.ready(status: await gateway.statusLine())
        }
    }
}

extension Gateway {
    /// Loads the configuration file again and applies what changed.
    func reload() async {
        let loaded: LoadedConfiguration
        do {
            loaded = try ConfigurationLoader.load(path: path)
        } catch {
            for diagnostic in error.diagnostics {
                logger.error("reload refused: configuration error", metadata: ["config.error": "\(diagnostic)"])
            }
            return
        }
        let previous = current.value.configuration
        let next = loaded.configuration
        let needsRestart = [
            ("gateway", previous.gateway == next.gateway), ("buffer", previous.buffer == next.buffer),
            ("aggregate", previous.aggregate == next.aggregate), ("anomaly", previous.anomaly == next.anomaly),
            ("control", previous.control == next.control),
        ].filter { !$0.1 }.map(\.0)
        if !needsRestart.isEmpty {
            logger.warning("reload: these sections change only at restart", metadata: [
                "config.sections": "\(needsRestart.joined(separator: ","))",
            ])
        }
        let built: PipelineParts
        do {
            let health = health
            built = try PipelineParts(loaded, writer: store.writer, outbox: store.outbox,
                                      health: { await health.current() }, control: commands, catalog: catalog,
                                      reader: reader, latest: latest, logger: logger)
        } catch {
            logger.error("reload refused", metadata: ["error": "\(error)"])
            return
        }
        let old = parts.value
        let sourceChange = await sources.apply(built.sourceChildren)
        let sinkChange = await sinks.apply(built.sinkChildren)
        // A kept child keeps running as it was: keep the part that reports its status.
        var merged = built
        merged.modbus = built.modbus.map { entry in
            sourceChange.kept.contains(.modbus(bus: entry.bus)) ? old.modbus.first { $0.bus == entry.bus } ?? entry : entry
        }
        if sourceChange.kept.contains(.mqttSource) { merged.mqtt = old.mqtt }
        if sinkChange.kept.contains(.upstream) { merged.upstream = old.upstream }
        parts.withLock { $0 = merged }
        current.withLock { $0 = loaded }
        catalog.configure(loaded)
        logger.info("configuration reloaded", metadata: [
            "services.started": "\((sourceChange.started + sinkChange.started).map(\.description).joined(separator: ","))",
            "services.stopped": "\((sourceChange.stopped + sinkChange.stopped).map(\.description).joined(separator: ","))",
        ])
    }
}
