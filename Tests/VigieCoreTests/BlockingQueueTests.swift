import Glibc
import Synchronization
import Testing
import VigieCore

/// The one bridge from blocking work to async code: values and typed errors come back, and the
/// work runs one item at a time (what the resources behind it rely on instead of a lock).
@Suite struct BlockingQueueTests {
    struct Refusal: Error, Equatable { var code: Int }

    final class Overlap: Sendable {
        let inside = Atomic(0)
        let seen = Atomic(0)
    }

    @Test func returnsTheValueAndRethrowsTheTypedError() async {
        let queue = BlockingQueue(label: "vigie.test.blocking")
        #expect(await queue.run { 6 * 7 } == 42)
        do throws(Refusal) {
            _ = try await queue.run { () throws(Refusal) -> Int in throw Refusal(code: 3) }
            Issue.record("the error was lost")
        } catch {
            #expect(error == Refusal(code: 3))
        }
    }

    @Test func runsOneItemAtATime() async {
        let queue = BlockingQueue(label: "vigie.test.serial")
        let overlap = Overlap()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    await queue.run {
                        if overlap.inside.add(1, ordering: .relaxed).newValue > 1 { overlap.seen.add(1, ordering: .relaxed) }
                        usleep(200)
                        overlap.inside.subtract(1, ordering: .relaxed)
                    }
                }
            }
        }
        #expect(overlap.seen.load(ordering: .relaxed) == 0)
    }
}
