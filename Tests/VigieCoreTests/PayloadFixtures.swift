import Foundation

/// Reads a payload fixture from `Fixtures/payloads/`.
enum PayloadFixtures {
    static func bytes(_ name: String) -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/payloads/\(name)")
        return (try? [UInt8](Data(contentsOf: url))) ?? []
    }
}
