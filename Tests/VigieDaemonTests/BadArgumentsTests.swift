import Foundation
import Testing
import VigieCore
import VigieDaemon
import VigieTestKit

/// Bad command lines for every verb, run through the built `vigie`: each exits non-zero with a
/// message, and none crashes (no signal, no "Fatal error", no backtrace).
@Suite(.serialized) struct BadArgumentsTests {
    @Test func everyVerbRefusesBadArgumentsWithAMessageAndNoCrash() throws {
        let directory = TemporaryDirectory()
        let garbage = directory.path("garbage.bin")
        var generator = SystemRandomNumberGenerator()
        try Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) } + [0xFF]).write(to: URL(fileURLWithPath: garbage))
        let badCSV = directory.path("bad.csv")
        try "timestamp,value\nyesterday,1\n".write(toFile: badCSV, atomically: true, encoding: .utf8)
        let goodCSV = directory.path("good.csv")
        try "timestamp,value\n2024-01-01 00:00:00,1\n".write(toFile: goodCSV, atomically: true, encoding: .utf8)
        let config = directory.path("vigie.yaml")
        try "gateway: { id: t, data_dir: \(directory.path("data")) }\n".write(toFile: config, atomically: true, encoding: .utf8)
        let tcp = ["--tcp", "127.0.0.1:1", "--timeout", "200ms"]
        let cases: [[String]] = [
            ["frobnicate"], ["--nope"], ["run"], ["run", "--config", "/nonexistent/vigie.yaml"], ["run", "--config", garbage],
            ["run", "--config", config, "--log-level", "loud"], ["run", "--config", directory.url.path],
            ["check-config"], ["check-config", "/nonexistent.yaml"], ["check-config", garbage], ["check-config", config, "extra"],
            ["export"], ["export", "--data-dir", "/nonexistent/data"], ["export", "--data-dir", directory.url.path, "--format", "xml"],
            ["export", "--data-dir", directory.url.path, "--from", "yesterday"], ["export", "--data-dir", garbage],
            ["export", "--data-dir", directory.url.path, "--commands", "--events"],
            ["detect"], ["detect", "--input", "/nonexistent.csv"], ["detect", "--input", badCSV], ["detect", "--input", garbage],
            ["detect", "--input", goodCSV, "--warmup", "-5"], ["detect", "--input", goodCSV, "--warmup", "99999999999999999999999"],
            ["detect", "--input", goodCSV, "--sensitivity", "extreme"], ["detect", "--input", goodCSV, "--output", "/nonexistent/out.csv"],
            ["modbus", "read"], ["modbus", "read"] + tcp, ["modbus", "read", "--tcp", "127.0.0.1:99999", "--address", "0"],
            ["modbus", "read", "--tcp", "nohost:", "--address", "0"], ["modbus", "read", "--address", "-1"] + tcp,
            ["modbus", "read", "--address", "0", "--unit", "300"] + tcp, ["modbus", "read", "--address", "0", "--type", "float128"] + tcp,
            ["modbus", "read", "--address", "0", "--order", "XYZW"] + tcp, ["modbus", "read", "--address", "0", "--table", "registers"] + tcp,
            ["modbus", "read", "--address", "0", "--count", "100000"] + tcp, ["modbus", "read", "--address", "99999999999999999999"] + tcp,
            ["modbus", "read", "--address", "0", "--rtu", "/dev/ttyNOPE0"] + tcp, ["modbus", "read", "--address", "0", "--rtu", "/dev/ttyNOPE0"],
            ["modbus", "read", "--address", "0", "--tcp", "127.0.0.1:1", "--timeout", "soon"],
            ["modbus", "read", "--address", "0", "--scale", "nan"] + tcp, ["modbus", "read", "--address", "0"] + tcp,
            ["modbus", "poll"], ["modbus", "poll", "--profile", "no-such-profile"] + tcp, ["modbus", "poll", "--profile", garbage] + tcp,
            ["modbus", "poll", "--config", config, "--device", "nobody"] + tcp,
            ["modbus", "scan", "--units", "300-1"] + tcp, ["modbus", "scan", "--units", "a-b"] + tcp,
            ["modbus", "scan", "--register", "holding:-1"] + tcp, ["modbus", "scan", "--register", "nowhere"] + tcp,
            ["modbus", "plan"], ["modbus", "plan", "--profile", "/nonexistent.yaml"], ["modbus", "plan", "--profile", garbage],
            ["modbus", "plan", "--profile", "eastron-sdm630", "--baud", "-9600"], ["modbus", "frob"],
            ["mqtt", "listen"], ["mqtt", "listen", "--config", garbage], ["mqtt", "listen", "--config", config],
            ["mqtt", "listen", "--config", config, "--subscription", "-1"],
            ["status", "--url", "not a url"], ["status", "--url", "http://127.0.0.1:1"], ["status", "--token-file", "/nonexistent"],
            ["demo", "--speed", "0"], ["demo", "--speed", "nan"], ["demo", "--duration", "forever"], ["demo", "--speed", "1e400"],
        ]
        var crashes: [String] = []
        for (index, arguments) in cases.enumerated() {
            let log = directory.path("case-\(index).log")
            let pid = try spawnWithCleanSignals(GatewayProcessTests.vigie, arguments, log: log)
            var status: Int32 = 0
            var exited = false
            for _ in 0..<3000 where !exited {
                if waitpid(pid, &status, WNOHANG) == pid { exited = true } else { usleep(10_000) }
            }
            if !exited {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
            }
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            let signalled = status & 0x7f != 0
            let code = (status >> 8) & 0xff
            let label = arguments.joined(separator: " ")
            #expect(exited, "\(label): still running after 30 s")
            #expect(!signalled && code != 0 && code < 128, "\(label): exit status \(status)\n\(output)")
            #expect(!output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(label): no message")
            for sign in ["Fatal error", "Backtrace", "Crash", "SIGSEGV", "SIGILL", "SIGTRAP", "Thread 0"] where output.contains(sign) {
                crashes.append(label)
                Issue.record("\(label): \(sign)\n\(output)")
            }
        }
        print("malformed inputs: \(cases.count) (command lines), \(crashes.count) crashes")
    }
}
