internal import CYAML

/// One libyaml parser event, copied into Swift values (no pointer outlives the C event).
enum YAMLEvent: Sendable {
    case streamStart
    case streamEnd
    case documentStart(YAMLMark)
    case documentEnd
    case alias(anchor: String, mark: YAMLMark)
    case scalar(YAMLScalar, anchor: String?)
    case sequenceStart(anchor: String?, mark: YAMLMark)
    case sequenceEnd
    case mappingStart(anchor: String?, mark: YAMLMark)
    case mappingEnd
}

/// A YAML syntax error from libyaml, as a sentence and a position.
struct YAMLSyntaxError: Error, Equatable {
    var message: String
    var mark: YAMLMark
}

/// The sole owner of a libyaml `yaml_parser_t` and of the input bytes it reads; pulls events.
///
/// Non-copyable, so the parser is freed exactly once (in `deinit`), on every path.
struct YAMLEventReader: ~Copyable {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeMutableBufferPointer<UInt8>
    private let count: Int
    private var finished = false

    /// Nil only when libyaml cannot allocate its parser.
    init?(text: String) {
        let count = text.utf8.count
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        guard yaml_parser_initialize(parser) == 1 else {
            parser.deallocate()
            return nil
        }
        // libyaml reads from this buffer until the parser is deleted: it must stay put.
        let input = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(count, 1))
        _ = input.initialize(fromContentsOf: text.utf8)
        yaml_parser_set_input_string(parser, input.baseAddress, count)
        self.parser = parser
        self.input = input
        self.count = count
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
        input.deallocate()
    }

    /// The next event; after `.streamEnd` or an error, `.streamEnd` forever.
    mutating func next() -> Result<YAMLEvent, YAMLSyntaxError> {
        guard !finished else { return .success(.streamEnd) }
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else {
            finished = true
            return .failure(error())
        }
        defer { yaml_event_delete(&event) }
        let converted = Self.convert(event)
        if case .streamEnd = converted { finished = true }
        return .success(converted)
    }

    private static func convert(_ event: yaml_event_t) -> YAMLEvent {
        let mark = YAMLMark(event.start_mark)
        switch event.type {
        case YAML_STREAM_START_EVENT: return .streamStart
        case YAML_DOCUMENT_START_EVENT: return .documentStart(mark)
        case YAML_DOCUMENT_END_EVENT: return .documentEnd
        case YAML_ALIAS_EVENT: return .alias(anchor: string(event.data.alias.anchor) ?? "", mark: mark)
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = scalar.value.map {
                String(decoding: UnsafeBufferPointer(start: $0, count: scalar.length), as: UTF8.self)
            } ?? ""
            return .scalar(YAMLScalar(string: text, style: style(scalar.style), mark: mark),
                           anchor: string(scalar.anchor))
        case YAML_SEQUENCE_START_EVENT: return .sequenceStart(anchor: string(event.data.sequence_start.anchor), mark: mark)
        case YAML_SEQUENCE_END_EVENT: return .sequenceEnd
        case YAML_MAPPING_START_EVENT: return .mappingStart(anchor: string(event.data.mapping_start.anchor), mark: mark)
        case YAML_MAPPING_END_EVENT: return .mappingEnd
        default: return .streamEnd // YAML_STREAM_END_EVENT (or YAML_NO_EVENT, never produced before it)
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private static func style(_ style: yaml_scalar_style_t) -> YAMLScalar.Style {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }

    /// libyaml's problem and context, located where libyaml saw the problem.
    private func error() -> YAMLSyntaxError {
        let state = parser.pointee
        let problem = state.problem.map { String(cString: $0) } ?? "unreadable input"
        switch state.error {
        case YAML_MEMORY_ERROR:
            return YAMLSyntaxError(message: "invalid YAML: out of memory while parsing", mark: YAMLMark(line: 1, column: 1))
        case YAML_READER_ERROR:
            // problem_offset counts bytes of the UTF-8 input.
            return YAMLSyntaxError(message: "invalid YAML: \(problem)",
                                   mark: YAMLMark.position(ofOffset: state.problem_offset, in: UnsafeBufferPointer(rebasing: input[..<count])))
        default:
            var message = "invalid YAML: \(problem)"
            if let context = state.context {
                let mark = YAMLMark(state.context_mark)
                message += " (\(String(cString: context)) at line \(mark.line), column \(mark.column))"
            }
            return YAMLSyntaxError(message: message, mark: YAMLMark(state.problem_mark))
        }
    }
}

extension YAMLMark {
    /// A libyaml mark (counted from 0) as a position counted from 1.
    init(_ mark: yaml_mark_t) {
        self.init(line: Int(clamping: mark.line) &+ 1, column: Int(clamping: mark.column) &+ 1)
    }

    /// Line and column of a byte offset in UTF-8 text (a column per character, not per byte).
    static func position(ofOffset offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> YAMLMark {
        var mark = YAMLMark(line: 1, column: 1)
        for byte in bytes.prefix(offset) {
            if byte == UInt8(ascii: "\n") {
                mark.line += 1
                mark.column = 1
            } else if byte & 0xC0 != 0x80 {
                mark.column += 1
            }
        }
        return mark
    }
}
