/// One node of a YAML document, as the configuration readers see it.
///
/// Scalars keep the text exactly as written (no YAML 1.1 tag resolution: `off`, `0x10` and
/// `1_000` stay text, and each reader parses what its key expects); mappings keep their pairs in
/// file order. Aliases are already resolved to the anchored node. Every node has its mark.
enum YAMLNode: Sendable {
    case scalar(YAMLScalar)
    case mapping([Pair], mark: YAMLMark)
    case sequence([YAMLNode], mark: YAMLMark)

    /// One key and its value in a mapping.
    typealias Pair = (key: YAMLNode, value: YAMLNode)

    /// Where the node starts in the file.
    var mark: YAMLMark {
        switch self {
        case .scalar(let scalar): scalar.mark
        case .mapping(_, let mark), .sequence(_, let mark): mark
        }
    }

    /// The scalar, nil for a mapping or a list.
    var scalar: YAMLScalar? {
        if case .scalar(let scalar) = self { return scalar }
        return nil
    }

    /// A plain empty value, `~` or `null`: the key is there with nothing after it.
    var isNull: Bool {
        guard case .scalar(let scalar) = self, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// How a node reads in an error message: `a mapping`, `a list`, `"text"`.
    var kindName: String {
        switch self {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .scalar(let scalar): isNull ? "nothing" : "\"\(scalar.string.prefix(40))\""
        }
    }
}

/// A scalar's text as written, and how it was written.
struct YAMLScalar: Sendable, Equatable {
    /// How a scalar is written; only a plain one can mean null.
    enum Style: Sendable, Equatable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    var string: String
    var style: Style
    var mark: YAMLMark
}

/// A position in a file: line and column both from 1, columns counted in Unicode scalars.
struct YAMLMark: Sendable, Equatable {
    var line: Int
    var column: Int
}
