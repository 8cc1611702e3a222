import Testing
import VigieCore
@testable import VigieModbus

/// The RTU fault matrix over a socat pty pair: a bad CRC, a reply from another unit id, line
/// noise and exceptions each give a named error and no reading; the device recovers after.
@Suite(.serialized) struct ModbusRTUFaultTests {
    static let faults: [(RTUMisbehaviour, Set<String>)] = [
        (.wrongCRC, ["invalid_reply"]),
        (.wrongUnitID, ["invalid_reply"]),
        // Noise may look like the start of a frame (then the rest never comes) or not.
        (.garbage, ["invalid_reply", "timeout"]),
        (.exception(2), ["exception"]),
        (.exception(11), ["exception"]),
    ]

    @Test func everyBrokenReplyIsANamedErrorAndTheDeviceRecovers() async throws {
        let line = try await PseudoTerminalPair.opened()
        let server = try MisbehavingRTUServer(path: line.serverPath)
        defer { server.stop() }
        let connection = try ModbusBusConnection(transport: .rtu(SerialLine(port: line.clientPath, baud: 19200)),
                                                 timeout: .milliseconds(300), busName: "rs485-faulty")
        let request = ReadRequest(table: .input, address: 10, count: 2)
        #expect(try await connection.read(request, unit: 3).get() == [42, 42])
        for (fault, kinds) in Self.faults {
            server.misbehaviour = fault
            switch await connection.read(request, unit: 3) {
            case .success(let words):
                Issue.record("\(fault): a broken reply was read as \(words)")
            case .failure(let error):
                #expect(kinds.contains(error.kind.name), "\(fault): \(error)")
                #expect(error.context == "reading input 10..11 on unit 3 of bus rs485-faulty", "\(fault): \(error)")
            }
            server.misbehaviour = .healthy
            var healed: [UInt16]?
            for _ in 0..<3 where healed == nil {
                healed = try? await connection.read(request, unit: 3).get()
            }
            #expect(healed == [42, 42], "\(fault): the device did not recover")
        }
    }
}
