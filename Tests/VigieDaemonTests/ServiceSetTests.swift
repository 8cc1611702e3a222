import Logging
import ServiceLifecycle
import Synchronization
import Testing
@testable import VigieDaemon
import VigieTestKit

/// A service that records when it starts and how it ends.
private final class RecordingService: Service, Sendable {
    let name: String
    let journal: Journal

    init(_ name: String, journal: Journal) {
        self.name = name
        self.journal = journal
    }

    func run() async throws {
        journal.append("start \(name)")
        try? await gracefulShutdown()
        journal.append(Task.isCancelled ? "cancelled \(name)" : "shutdown \(name)")
    }
}

private final class Journal: Sendable {
    private let entries = Mutex<[String]>([])
    func append(_ entry: String) { entries.withLock { $0.append(entry) } }
    var all: [String] { entries.withLock { $0 } }

    /// Waits (bounded) until `entry` is recorded.
    func waitFor(_ entry: String) async -> Bool {
        for _ in 0..<500 {
            if all.contains(entry) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }
}

@Test func reloadRestartsOnlyWhatChanged() async throws {
    let journal = Journal()
    let child = { (key: String, fingerprint: String) in
        ServiceSet.Child(key: ServiceKey(key), fingerprint: fingerprint, service: RecordingService("\(key)@\(fingerprint)", journal: journal))
    }
    let set = ServiceSet(initial: [child("a", "1"), child("b", "1")], logger: Logger(label: "test"))
    let group = ServiceGroup(services: [set], logger: Logger(label: "test"))
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        #expect(await journal.waitFor("start a@1"))
        #expect(await journal.waitFor("start b@1"))

        let change = await set.apply([child("a", "1"), child("b", "2"), child("c", "1")])
        #expect(change.kept == [ServiceKey("a")])
        #expect(change.stopped == [ServiceKey("b")])
        #expect(change.started.map(\.description).sorted() == ["b", "c"])
        #expect(await journal.waitFor("cancelled b@1"))
        #expect(await journal.waitFor("start b@2"))
        #expect(await journal.waitFor("start c@1"))
        #expect(!journal.all.contains { $0.hasSuffix(" a@1") && !$0.hasPrefix("start") })

        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
    for name in ["a@1", "b@2", "c@1"] {
        #expect(journal.all.contains("shutdown \(name)"), "\(name) saw the graceful shutdown")
    }
}

/// A child that fails ends the whole set with its error.
@Test func aFailingChildEndsTheSet() async throws {
    struct Boom: Error {}
    struct FailingService: Service {
        func run() async throws { throw Boom() }
    }
    let set = ServiceSet(initial: [.init(key: ServiceKey("x"), fingerprint: "1", service: FailingService())],
                         logger: Logger(label: "test"))
    await #expect(throws: Boom.self) { try await set.run() }
}
