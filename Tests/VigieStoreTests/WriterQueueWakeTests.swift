import Dispatch
import Synchronization
import Testing
import VigieCore
@testable import VigieStore
import VigieTestKit

/// The queue wakes its writer only when it must (first reading of a batch, a full batch, close):
/// these check that the writer is never left asleep past those moments. The writer's interval
/// and idle time are an hour, so a missed wake-up shows as a take that never returns.
@Suite struct WriterQueueWakeTests {
    /// What the writer thread's `take` returned, once it returned.
    final class TakeResult: Sendable {
        private let value = Mutex<WriterQueue.Take?>(nil)
        func set(_ take: WriterQueue.Take) { value.withLock { $0 = take } }
        func withLock<T>(_ body: (WriterQueue.Take?) -> T) -> T { value.withLock { body($0) } }
    }

    /// Runs `take` on a thread of its own, as the writer does.
    private func takeOnThread(_ queue: WriterQueue, maxCount: Int, interval: UInt64) -> TakeResult {
        let result = TakeResult()
        DispatchQueue(label: "test.writer").async {
            result.set(queue.take(maxCount: maxCount, interval: interval, idle: 3_600_000_000_000))
        }
        return result
    }

    @Test func anIdleWriterWakesForTheFirstReadingOfABatch() async throws {
        let queue = WriterQueue(capacity: 100)
        let result = takeOnThread(queue, maxCount: 10, interval: 0)
        try await Task.sleep(for: .milliseconds(50))  // let it fall asleep on an empty queue
        #expect(await queue.submit(series("a/b", count: 3)))
        let woke = await eventually { result.withLock { $0 != nil } }
        if !woke { queue.close() }
        #expect(woke)
        #expect(result.withLock { $0?.readings.count } == 3)
    }

    @Test func aWriterWaitingForAFullBatchWakesWhenSmallSubmissionsFillIt() async throws {
        let queue = WriterQueue(capacity: 100)
        #expect(await queue.submit(series("a/b", count: 1)))
        let result = takeOnThread(queue, maxCount: 10, interval: 3_600_000_000_000)
        for index in 1..<10 {
            #expect(await queue.submit(series("a/b", count: 1, start: testNow + Int64(index))))
        }
        let woke = await eventually { result.withLock { $0 != nil } }
        if !woke { queue.close() }
        #expect(woke)
        #expect(result.withLock { $0?.readings.count } == 10)
    }
}
