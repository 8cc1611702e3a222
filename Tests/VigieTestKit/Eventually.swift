/// Polls `condition` until it holds or about `seconds` passed: for waiting on peers and stages,
/// not for timing (the deadline only turns a broken feature into a failure instead of a hang).
package func eventually(_ seconds: Double = 20, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

/// A test harness that could not do its part (a peer did not start, a tool failed).
package struct TestFailure: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}
