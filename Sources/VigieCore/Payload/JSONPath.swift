/// A field path into a JSON document: `temperature`, `data.power`, `values[0]`, `a.b[2].c`.
public struct JSONPath: Sendable, Equatable, CustomStringConvertible {
    enum Step: Sendable, Equatable {
        case key(String)
        case index(Int)
    }

    let steps: [Step]
    public let description: String

    /// Parses a path; nil when it is empty or malformed (`a..b`, `a[x]`, `[`).
    public init?(_ text: String) {
        var steps: [Step] = []
        var key = ""
        var iterator = Array(text).makeIterator()
        var expectKey = true
        while let character = iterator.next() {
            switch character {
            case ".":
                if !key.isEmpty { steps.append(.key(key)); key = "" } else if expectKey { return nil }
                expectKey = true
            case "[":
                if !key.isEmpty { steps.append(.key(key)); key = "" } else if steps.isEmpty { return nil }
                var digits = ""
                while let digit = iterator.next(), digit != "]" { digits.append(digit) }
                guard digits.count <= 9, let index = Int(digits), index >= 0 else { return nil }
                steps.append(.index(index))
                expectKey = false
            case "]":
                return nil
            default:
                key.append(character)
                expectKey = false
            }
        }
        if !key.isEmpty { steps.append(.key(key)) } else if expectKey { return nil }
        guard !steps.isEmpty else { return nil }
        self.steps = steps
        self.description = text
    }

    /// The value at this path, or nil when any step is missing.
    public func value(in document: JSONValue) -> JSONValue? {
        var current = document
        for step in steps {
            switch step {
            case .key(let key): guard let next = current[key] else { return nil }; current = next
            case .index(let index): guard let next = current[index] else { return nil }; current = next
            }
        }
        return current
    }
}
