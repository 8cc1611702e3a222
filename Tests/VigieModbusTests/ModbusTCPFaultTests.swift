import Testing
import VigieCore
@testable import VigieModbus

/// The Modbus TCP fault matrix: each way a device can break a reply gives a named error about
/// the request, never a reading taken from the broken reply, and the next healthy reply is read.
@Suite(.serialized) struct ModbusTCPFaultTests {
    static let faults: [(TCPMisbehaviour, ModbusError.Kind)] = [
        (.wrongTransactionID, .invalidReply),
        (.wrongUnitID, .invalidReply),
        (.truncatedReply, .timeout),
        (.oversizedReply, .invalidReply),
        (.shortByteCount, .invalidReply),
        (.slowAnswer(.milliseconds(600)), .timeout),
        (.closeMidReply, .connectionLost),
    ] + (1...11).map { (.exception($0), .exception) }

    @Test(arguments: 0..<faults.count)
    func aBrokenReplyIsANamedErrorAndTheDeviceRecovers(index: Int) async throws {
        let (fault, kind) = Self.faults[index]
        let server = try MisbehavingTCPServer()
        defer { server.stop() }
        let connection = try ModbusBusConnection(transport: .tcp(Endpoint(host: "127.0.0.1", port: server.port)),
                                                 timeout: .milliseconds(300), busName: "faulty")
        let request = ReadRequest(table: .holding, address: 0, count: 2)
        #expect(try await connection.read(request, unit: 1).get() == [42, 42])

        server.misbehaviour = fault
        switch await connection.read(request, unit: 1) {
        case .success(let words):
            Issue.record("\(fault): a broken reply was read as \(words)")
        case .failure(let error):
            #expect(error.kind == kind, "\(fault): \(error)")
            #expect(error.context == "reading holding 0..1 on unit 1 of bus faulty", "\(fault): \(error)")
            if case .exception(let code) = fault {
                #expect(error.exceptionCode == code)
                #expect(error.description.contains(code < 10 ? "(0x0\(code))" : "(0x0\(String(code, radix: 16)))"))
            }
        }

        server.misbehaviour = .healthy
        var healed: [UInt16]?
        for _ in 0..<3 where healed == nil {
            switch await connection.read(request, unit: 1) {
            case .success(let words): healed = words
            case .failure(let error): #expect(error.kind != .exception, "\(fault): after healing \(error)")
            }
        }
        #expect(healed == [42, 42], "\(fault): the device did not recover")
    }
}
