/// Finds YAML nested deeper than any configuration needs, before libyaml and the composer see it.
///
/// The composer is iterative, but a hostile file (thousands of `[` or of indented keys) still
/// makes libyaml and the composer grow a level per line for nothing; it is refused up front. This
/// scan is approximate but conservative: it counts indentation levels, `- ` item markers and open
/// flow brackets outside quotes and comments.
enum NestingScanner {
    /// A real configuration nests about 8 levels deep.
    static let limit = 64

    /// The line and column where nesting first exceeds `limit`, or nil.
    static func firstTooDeep(in text: String, limit: Int = limit) -> (line: Int, column: Int)? {
        var indents: [Int] = []
        var flowDepth = 0
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let scalars = Array(line.unicodeScalars)
            var index = 0
            while index < scalars.count, scalars[index] == " " { index += 1 }
            if index == scalars.count || scalars[index] == "#" || scalars[index] == "\r" { continue }
            if flowDepth == 0 {
                while let top = indents.last, top >= index { indents.removeLast() }
                indents.append(index)
            }
            var items = 0
            while index + 1 < scalars.count, scalars[index] == "-", scalars[index + 1] == " " {
                items += 1
                index += 2
                while index < scalars.count, scalars[index] == " " { index += 1 }
            }
            if indents.count + items > limit { return (lineNumber, index + 1) }
            var quote: Unicode.Scalar?
            var previous: Unicode.Scalar = " "
            while index < scalars.count {
                let scalar = scalars[index]
                if let open = quote {
                    if scalar == open { quote = nil }
                } else if scalar == "\"" || scalar == "'" {
                    quote = scalar
                } else if scalar == "#", previous == " " || previous == "\t" {
                    break
                } else if scalar == "[" || scalar == "{" {
                    flowDepth += 1
                    if indents.count + items + flowDepth > limit { return (lineNumber, index + 1) }
                } else if scalar == "]" || scalar == "}" {
                    flowDepth = max(0, flowDepth - 1)
                }
                previous = scalar
                index += 1
            }
        }
        return nil
    }
}
