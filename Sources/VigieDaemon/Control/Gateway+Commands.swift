import Logging
import VigieCore
import VigieStore

extension Gateway {
    /// The command channel when `control.enabled` (and an MQTT sink carries it), else nil.
    ///
    /// It finds a command's Modbus device among the sources running now (`parts`, weakly: the
    /// parts hold the sinks, which hold the channel).
    static func commandChannel(_ configuration: Configuration, store: ReadingStore, reader: StoreReader,
                               parts: LockedBox<PipelineParts>, catalog: SensorCatalog, logger: Logger) throws -> CommandChannel? {
        guard configuration.control.enabled, let carrier = configuration.control.carrier(in: configuration.upstream) else {
            return nil
        }
        return try CommandChannel(
            gateway: configuration.gateway.id, control: configuration.control, carrier: carrier.sink,
            aggregate: configuration.aggregate, journal: CommandJournal(store: store), reader: reader,
            modbus: { [weak parts] name in
                guard let sources = parts?.value.modbus else { return nil }
                for entry in sources {
                    if let found = entry.source.device(named: name) {
                        return CommandChannel.ModbusTarget(source: entry.source, device: found.device, link: found.link)
                    }
                }
                return nil
            },
            unit: { catalog.unit(of: $0) }, metrics: CommandMetrics(),
            logger: logger)
    }
}
