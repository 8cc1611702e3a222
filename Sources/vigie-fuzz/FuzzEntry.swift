import Glibc

/// The libFuzzer entry point (built with `-sanitize=fuzzer -DFUZZING`, see scripts/fuzz/run.sh).
/// `VIGIE_FUZZ_TARGET` names the target (`payload-json`, `config`, `register`...).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    FuzzEntry.target.run(bytes)
    return 0
}

enum FuzzEntry {
    /// The target chosen by `VIGIE_FUZZ_TARGET`, read once.
    static let target: FuzzTarget = {
        let name = getenv("VIGIE_FUZZ_TARGET").map { String(cString: $0) } ?? ""
        guard let target = FuzzTarget.named(name) else {
            let names = FuzzTarget.all.map(\.name).joined(separator: ", ")
            printError("VIGIE_FUZZ_TARGET must be one of: \(names)")
            exit(2)
        }
        return target
    }()
}

/// Writes a line to standard error (the `stderr` global is not concurrency-safe in Swift 6).
func printError(_ line: String) {
    let text = Array((line + "\n").utf8)
    _ = text.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

#if !FUZZING
/// Without libFuzzer (a plain `swift build`): replays files through a target, so a crash input
/// can be checked in a debugger. Usage: `VIGIE_FUZZ_TARGET=config vigie-fuzz FILE...`.
@main
struct FuzzReplay {
    static func main() {
        var count = 0
        for path in CommandLine.arguments.dropFirst() {
            guard let file = fopen(path, "rb") else {
                printError("vigie-fuzz: cannot open \(path)")
                exit(1)
            }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let read = fread(&chunk, 1, chunk.count, file)
                if read <= 0 { break }
                bytes += chunk[0..<read]
            }
            fclose(file)
            FuzzEntry.target.run(bytes)
            count += 1
        }
        print("\(count) input(s) replayed through \(FuzzEntry.target.name), 0 crashes")
    }
}
#endif
