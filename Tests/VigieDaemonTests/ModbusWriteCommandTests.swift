import Foundation
import Testing
import VigieTestKit

/// `vigie modbus write` against the pymodbus peer, read back by mbpoll; stdin is not a terminal, so it asks nothing.
@Suite(.serialized) struct ModbusWriteCommandTests {
    /// Runs `vigie modbus write ARGUMENTS`; returns its exit status and output.
    static func write(_ arguments: [String], in directory: TemporaryDirectory) -> (ok: Bool, output: String) {
        do {
            return (true, try runTool(GatewayProcessTests.vigie, ["modbus", "write"] + arguments, in: directory))
        } catch {
            return (false, "\(error)")
        }
    }

    @Test func aConfiguredPointIsWrittenWithinItsRangeAndReadBack() throws {
        let rig = try ControlRig()
        defer { rig.stop() }
        let done = Self.write(["--config", rig.configPath, "--device", "mixed", "--point", "consigne", "--value", "200"], in: rig.directory)
        #expect(done.ok && done.output.contains("old 231.5, new 200, raw 0x07D0"), "\(done.output)")
        #expect(try rig.register(30) == 2000)

        let refused = Self.write(["--config", rig.configPath, "--device", "mixed", "--point", "consigne", "--value", "300"], in: rig.directory)
        #expect(!refused.ok && refused.output.contains("not written: 300 is above the maximum 250 Cel"), "\(refused.output)")
        let readOnly = Self.write(["--config", rig.configPath, "--device", "mixed", "--point", "u16", "--value", "3"], in: rig.directory)
        #expect(!readOnly.ok && readOnly.output.contains("has no \"write:\""), "\(readOnly.output)")
        #expect(try rig.register(30) == 2000 && rig.deviceWrites == ["write 6 30 [2000]"], "\(rig.deviceWrites)")
    }

    @Test func theRawFormWritesARegisterInItsTypeAndOrder() throws {
        let rig = try ControlRig()
        defer { rig.stop() }
        let done = Self.write(["--tcp", "127.0.0.1:\(rig.peerPort)", "--unit", "1", "--table", "holding", "--address", "2",
                               "--type", "int32", "--order", "CDAB", "--value", "-100000"], in: rig.directory)
        #expect(done.ok && done.output.contains("new -100000, raw 0x7960 0xFFFE"), "\(done.output)")
        #expect(rig.deviceWrites == ["write 16 2 [31072, 65534]"], "\(rig.deviceWrites)")
        let bad = Self.write(["--tcp", "127.0.0.1:\(rig.peerPort)", "--address", "2", "--table", "input", "--value", "1"], in: rig.directory)
        #expect(!bad.ok && bad.output.contains("only holding and coils can be written"), "\(bad.output)")
    }
}
