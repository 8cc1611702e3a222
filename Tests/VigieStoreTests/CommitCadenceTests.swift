import Testing
@testable import VigieStore

/// The commit cadence driven by a manual clock: a simulated site submits readings at its rate, a
/// simulated writer commits whenever `CommitCadence.due` says so, and every reading's wait from its
/// submission to its commit is checked against the window docs/store.md states.
@Suite struct CommitCadenceTests {
    static let millisecond: UInt64 = 1_000_000
    static let second: UInt64 = 1_000 * millisecond
    let cadence = CommitCadence(batchSize: 10_000, batchInterval: 500 * millisecond, commitInterval: 120 * second)

    /// What the simulated writer committed.
    struct Outcome {
        var commits: [Int] = []
        var longestWait: [Bool: UInt64] = [:]   // by prompt
    }

    /// Every `period` ns, `perTick` submissions of `size` readings (polled, or prompt when `prompt`),
    /// for `duration` ns on a manual clock; the writer commits at each instant the cadence names.
    func simulate(_ cadence: CommitCadence, period: UInt64, perTick: Int, size: Int, prompt: (Int) -> Bool = { _ in false },
                  duration: UInt64 = 600 * second) -> Outcome {
        var outcome = Outcome()
        var queued: [(arrival: UInt64, prompt: Bool)] = []
        var nextTick: UInt64 = 0
        var tick = 0
        var now: UInt64 = 0
        while now <= duration {
            if let first = queued.first {
                let due = cadence.due(count: queued.count, firstArrival: first.arrival,
                                      promptArrival: queued.first(where: \.prompt)?.arrival)
                if due <= nextTick {
                    now = max(now, due)
                    let batch = queued.prefix(cadence.batchSize)
                    for reading in batch {
                        outcome.longestWait[reading.prompt] = max(outcome.longestWait[reading.prompt] ?? 0, now - reading.arrival)
                    }
                    outcome.commits.append(batch.count)
                    queued.removeFirst(batch.count)
                    continue
                }
            }
            now = nextTick
            for submission in 0..<perTick {
                let isPrompt = prompt(tick * perTick + submission)
                queued += Array(repeating: (now, isPrompt), count: size)
            }
            tick += 1
            nextTick += period
        }
        return outcome
    }

    @Test func oneMeterPolledEverySecondCommitsEvery400ReadingsAndNoReadingWaitsLonger() {
        let outcome = simulate(cadence, period: Self.second, perTick: 1, size: 4)
        // The 100th poll brings the 400th reading, and the first has waited more than 500 ms: commit.
        #expect(outcome.longestWait[false] == 99 * Self.second)
        #expect(outcome.commits == Array(repeating: 400, count: 6))
    }

    @Test func aMeterOfOneRegisterCommitsEveryCommitInterval() {
        let outcome = simulate(cadence, period: Self.second, perTick: 1, size: 1)
        #expect(outcome.longestWait[false] == 120 * Self.second)
        #expect(outcome.commits == Array(repeating: 120, count: 5))
    }

    @Test func tenMetersCommitWhenAWorthwhileBatchHasWaitedTheBatchInterval() {
        let outcome = simulate(cadence, period: Self.second, perTick: 10, size: 4)
        #expect(outcome.commits == Array(repeating: 400, count: 60))
        #expect(outcome.longestWait[false] == 9 * Self.second)
    }

    @Test func aHundredMetersCommitEverySecondAsBefore() {
        let outcome = simulate(cadence, period: Self.second, perTick: 100, size: 4)
        #expect(outcome.longestWait[false] == 500 * Self.millisecond)
        #expect(outcome.commits.allSatisfy { $0 == 400 })
    }

    @Test func aPromptReadingBringsItsBatchWithinTheBatchInterval() {
        // One meter polled every second and one MQTT message every 10 s.
        let outcome = simulate(cadence, period: Self.second, perTick: 2, size: 4, prompt: { $0 % 20 == 1 })
        #expect(outcome.longestWait[true] == 500 * Self.millisecond)
        #expect(outcome.longestWait[false]! <= 10 * Self.second)
    }

    @Test func aFullBatchCommitsAtOnce() {
        let small = CommitCadence(batchSize: 100, batchInterval: 500 * Self.millisecond, commitInterval: 120 * Self.second)
        #expect(small.due(count: 100, firstArrival: 7, promptArrival: nil) == 7)
        #expect(small.due(count: 99, firstArrival: 7, promptArrival: nil) == 7 + 120 * Self.second)
    }

    @Test func aCommitIntervalShorterThanTheBatchIntervalIsRaisedToIt() {
        let odd = CommitCadence(batchSize: 100, batchInterval: 2 * Self.second, commitInterval: Self.second)
        #expect(odd.commitInterval == 2 * Self.second)
        #expect(odd.due(count: 1, firstArrival: 0, promptArrival: nil) == 2 * Self.second)
    }

    @Test func theWriterIsWokenOnlyWhenTheDeadlineComesNearer() {
        #expect(cadence.shortensDeadline(from: 0, to: 4, firstPrompt: true))
        #expect(cadence.shortensDeadline(from: 396, to: 400, firstPrompt: false))
        #expect(!cadence.shortensDeadline(from: 400, to: 404, firstPrompt: false))
        #expect(!cadence.shortensDeadline(from: 4, to: 8, firstPrompt: false))
        #expect(cadence.shortensDeadline(from: 9_996, to: 10_000, firstPrompt: false))
    }
}
