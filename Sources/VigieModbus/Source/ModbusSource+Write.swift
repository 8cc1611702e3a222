import VigieCore

extension ModbusSource {
    /// The device named `name` (as in its sensor ids), with its bus's link; nil when not on this source.
    public func device(named name: String) -> (device: ModbusDevice, link: ModbusBusLink)? {
        for (index, devices) in devices.enumerated() {
            if let device = devices.first(where: { $0.name == name }) { return (device, links[index]) }
        }
        return nil
    }

    /// Writes a planned value on the device's bus, between two polls, and reads it back.
    public func write(_ plan: PlannedWrite, device: ModbusDevice, link: ModbusBusLink) async throws(ModbusError) -> ModbusPointWriter.Outcome {
        try await ModbusPointWriter.write(plan, unit: device.unit, on: link.connection())
    }
}
