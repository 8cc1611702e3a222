import VigieCore

/// `vigie detect`'s CSV replay, line by line, as the command feeds it.
enum SeriesFuzzing {
    static func lines(_ bytes: [UInt8]) {
        var detection = SeriesCSVDetection(file: "fuzz.csv", settings: AnomalyDetectorSettings(warmup: 3))
        let text = String(decoding: bytes, as: UTF8.self)
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            do {
                _ = try detection.process(line: line, number: index + 1)
            } catch {
                precondition(error.line == index + 1 && !error.message.isEmpty, "an unlocated CSV error: \(error)")
            }
        }
    }
}
