import ArgumentParser
import Dispatch
import Glibc
import VigieCore
import VigieModbus

/// `vigie modbus simulate` (hidden, a developer's tool): the test suite's simulator as a
/// standalone Modbus TCP server on loopback, for load scripts (`make bench-e2e`) and for
/// comparisons with other pollers.
struct ModbusSimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Serve simulated units over Modbus TCP on 127.0.0.1 until stopped (developer tool).",
        discussion: """
        Each unit id serves REGISTERS holding registers from address 0, int16, each a slow \
        sine wave around 100 (0.1 resolution after a scale of 0.1). Prints the port on one \
        line once listening, then `first-request MONOTONIC_NS` (CLOCK_MONOTONIC, to within a \
        millisecond) when the first request arrives: load scripts time a poller's start with it. \
        SIGINT or SIGTERM stop it.

        Examples:
          vigie modbus simulate --port 15020 --units 1-100 --registers 4
        """,
        shouldDisplay: false
    )

    @Option(help: "TCP port on 127.0.0.1 (0: a free one, printed).") var port: Int = 0
    @Option(help: ArgumentHelp("Unit ids served.", valueName: "first-last")) var units: String = "1-10"
    @Option(help: "Holding registers per unit, from address 0.") var registers: Int = 4

    func validate() throws {
        _ = try unitRange()
        guard (1...125).contains(registers) else { throw ValidationError("--registers \(registers): use 1...125") }
        guard (0...65535).contains(port) else { throw ValidationError("--port \(port): use 0...65535") }
    }

    func unitRange() throws -> ClosedRange<Int> {
        let parts = units.split(separator: "-").map { Int($0) }
        if parts.count == 1, let single = parts[0], (1...247).contains(single) { return single...single }
        guard parts.count == 2, let first = parts[0], let last = parts[1], 1 <= first, first <= last, last <= 247 else {
            throw ValidationError("--units \(units): write a range like 1-100")
        }
        return first...last
    }

    func run() async throws {
        let served = try unitRange().map { id in
            SimulatedUnit(id: id, points: (0..<registers).map { index in
                let point = PointDefinition(name: "r\(index)", table: .holding, address: index, type: .int16, scale: 0.1)
                let phase = Double(id * 7 + index)
                return SimulatedPoint(point) { seconds in ((100 + 20 * _sineApproximation(seconds / 60 + phase)) * 10).rounded() / 10 }
            })
        }
        let simulator = try ModbusSimulator.tcp(units: served, port: port)
        print(simulator.port)
        fflush(nil)
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let stop = DispatchSemaphore(value: 0)
        let signals = [SIGINT, SIGTERM].map { DispatchSource.makeSignalSource(signal: $0) }
        for source in signals {
            source.setEventHandler { stop.signal() }
            source.resume()
        }
        await BlockingQueue(label: "vigie.simulate.watch").run {
            var reported = false
            // The request log is for tests; here it is only watched, and cleared to stay small.
            while stop.wait(timeout: .now() + .milliseconds(reported ? 1000 : 1)) == .timedOut {
                if !reported, !simulator.requests.isEmpty {
                    var spec = timespec()
                    clock_gettime(CLOCK_MONOTONIC, &spec)
                    print("first-request \(Int(spec.tv_sec) * 1_000_000_000 + Int(spec.tv_nsec))")
                    fflush(nil)
                    reported = true
                }
                if reported { simulator.clearRequests() }
            }
        }
        signals.forEach { $0.cancel() }
        simulator.stop()
    }
}

/// A sine good enough for simulated values (no Foundation): Bhaskara's approximation per half turn.
func _sineApproximation(_ x: Double) -> Double {
    let pi = 3.141592653589793
    var y = x.truncatingRemainder(dividingBy: 2 * pi)
    if y < 0 { y += 2 * pi }
    let sign: Double = y > pi ? -1 : 1
    if y > pi { y -= pi }
    return sign * 16 * y * (pi - y) / (5 * pi * pi - 4 * y * (pi - y))
}
