import Foundation
import Testing
import VigieCore
@testable import VigieStore
import VigieTestKit

@Suite struct CrashSafetyTests {
    /// The probe executable, built beside the test bundle (the test target depends on it).
    static var probePath: String {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return executable.deletingLastPathComponent().appendingPathComponent("vigie-store-probe").path
    }

    @Test func aWriterKilledMidStreamLosesNothingItCommitted() async throws {
        try await killMidStreamAndCheck(probeArguments: ["100"])
    }

    /// 20 sensors in batches of 100: every batch goes to the write-ahead, folded every 30 ms, so the
    /// kill lands among commits and folds; nothing committed may be lost or doubled.
    @Test func aWriterKilledWhileFoldingItsWriteAheadLosesNothingItCommitted() async throws {
        let directory = try await killMidStreamAndCheck(probeArguments: ["100", "20", "30"])
        let database = try StoreDatabase(configuration: StoreConfiguration(dataDirectory: directory.path), logger: testLogger)
        #expect(database.writeAhead.readings == 0)
        #expect(try database.connection.scalar("SELECT count(DISTINCT sensor) FROM chunks") == 21)
    }

    /// Polled readings at a low rate: about 2,000 a second in 4 sensors, committed every 50 ms (the
    /// commit interval: fewer than `CommitCadence.worthwhileReadings` wait at the 20 ms batch interval),
    /// so the kill lands among commits of the low-rate cadence; nothing committed may be lost or doubled.
    @Test func aWriterKilledBetweenLowRateCommitsLosesNothingItCommitted() async throws {
        try await killMidStreamAndCheck(probeArguments: ["10000", "4", "1000", "50"])
    }

    /// Runs the probe with `probeArguments`, kills it after 5,000 reported readings, checks every
    /// reported reading is stored once with no hole, then that the store opens and takes more.
    @discardableResult
    private func killMidStreamAndCheck(probeArguments: [String]) async throws -> TemporaryDirectory {
        let directory = TemporaryDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.probePath)
        process.arguments = [directory.path] + probeArguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        // Read "committed N" lines until enough batches are committed, then kill mid-stream.
        var reported: Int64 = 0
        var pending = ""
        while reported < 5_000 {
            let data = output.fileHandleForReading.availableData
            guard !data.isEmpty else { break }
            pending += String(decoding: data, as: UTF8.self)
            while let newline = pending.firstIndex(of: "\n") {
                let line = pending[..<newline]
                pending = String(pending[pending.index(after: newline)...])
                if line.hasPrefix("committed "), let value = Int64(line.dropFirst("committed ".count)) {
                    reported = max(reported, value)
                }
            }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(reported >= 5_000)

        // Every value below what was reported committed is there, once, with no hole after it.
        let values = try storedReadings(directory.path).map { Int64($0.value) }
        #expect(values.count >= reported)
        #expect(values == Array(0..<Int64(values.count)))

        // And the killed store opens again and takes new readings.
        try await withRunningStore(StoreConfiguration(dataDirectory: directory.path)) { store in
            await store.writer.submit(series("probe/after", count: 3))
        }
        #expect(try storedReadings(directory.path, glob: "probe/after").count == 3)
        return directory
    }

    @Test func aCorruptDatabaseIsMovedAsideAndAFreshOneCreated() async throws {
        let directory = TemporaryDirectory()
        let configuration = StoreConfiguration(dataDirectory: directory.path)
        try await withRunningStore(configuration) { store in
            await store.writer.submit(series("meter/voltage", count: 20_000, value: { Double($0).squareRoot() }))
        }
        // Random bytes over every page, as a failing SD card would leave it.
        let handle = try #require(FileHandle(forUpdatingAtPath: configuration.databasePath))
        let size = try handle.seekToEnd()
        var generator = SystemRandomNumberGenerator()
        for offset in stride(from: UInt64(0), to: size, by: 4_096) {
            try handle.seek(toOffset: offset)
            handle.write(Data((0..<512).map { _ in UInt8.random(in: 0...255, using: &generator) }))
        }
        try handle.close()

        try await withRunningStore(configuration) { store in
            await store.writer.submit(series("meter/voltage", count: 5))
        }
        let quarantined = directory.files.filter { $0.hasPrefix("vigie.db.corrupt-") }
        #expect(quarantined.count == 1)
        #expect(try storedReadings(directory.path).count == 5)
    }

    @Test func damagedPagesAfterACrashAreFoundByTheIntegrityCheck() async throws {
        let directory = TemporaryDirectory()
        let configuration = StoreConfiguration(dataDirectory: directory.path)
        try await withRunningStore(configuration) { store in
            await store.writer.submit(series("meter/voltage", count: 50_000, value: { Double($0).squareRoot() }))
        }
        // No clean-shutdown marker (as after a crash), header intact, later pages damaged.
        try FileSystem.remove(configuration.databasePath + ".clean")
        let handle = try #require(FileHandle(forUpdatingAtPath: configuration.databasePath))
        let size = try handle.seekToEnd()
        for offset in stride(from: UInt64(8_192), to: size, by: 4_096) {
            try handle.seek(toOffset: offset)
            handle.write(Data(repeating: 0xA5, count: 64))
        }
        try handle.close()
        _ = try await ReadingStore.open(configuration, logger: testLogger)
        #expect(directory.files.contains { $0.hasPrefix("vigie.db.corrupt-") })
    }

    @Test func aDatabaseFromANewerVigieIsRefusedWithAClearMessage() async throws {
        let directory = TemporaryDirectory()
        let configuration = StoreConfiguration(dataDirectory: directory.path)
        _ = try await ReadingStore.open(configuration, logger: testLogger)
        try SQLiteConnection(path: configuration.databasePath).execute("PRAGMA user_version = 99")
        let error = await #expect(throws: StoreError.self) {
            _ = try await ReadingStore.open(configuration, logger: testLogger)
        }
        #expect(error?.code == .newerSchema)
        #expect(error?.message.contains("99") == true)
        #expect(throws: StoreError.self) { _ = try ReadingQuery(dataDirectory: directory.path) }
        #expect(!directory.files.contains { $0.contains("corrupt") })
    }
}
