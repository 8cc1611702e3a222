/// Builds the node tree of a one-document YAML stream from libyaml's events, logging located errors.
///
/// Iterative (an explicit stack of open collections), so deep nesting costs heap, not call stack.
/// An alias is replaced by its anchored node (an anchor is defined once its node is complete, so an
/// alias to its own ancestor is undefined). Refused: duplicate keys in one mapping, aliases that
/// expand to more than `maximumAliasExpansion` nodes (an "alias bomb"), and a second document.
struct YAMLComposer {
    /// Nodes that aliases may add in all; a configuration with anchors adds a few dozen.
    static let maximumAliasExpansion = 100_000

    let log: DiagnosticLog

    /// The root node; nil for an empty stream or after an error (then logged).
    func compose(_ text: String) -> YAMLNode? {
        guard var reader = YAMLEventReader(text: text) else {
            log.error("invalid YAML: out of memory while parsing", line: 1, column: 1)
            return nil
        }
        var state = State()
        while true {
            switch reader.next() {
            case .failure(let error):
                log.error(error.message, line: error.mark.line, column: error.mark.column)
                return nil
            case .success(.streamEnd):
                return state.root
            case .success(let event):
                guard state.accept(event, log: log) else { return nil }
            }
        }
    }

    /// A node with the number of nodes it stands for once aliases are expanded.
    private typealias Sized = (node: YAMLNode, size: Int)

    /// The composition so far: finished root, open collections, anchors.
    private struct State {
        var root: YAMLNode?
        var open: [Collection] = []
        var anchors: [String: Sized] = [:]
        var expanded = 0
        var documents = 0

        /// False after an error (logged).
        mutating func accept(_ event: YAMLEvent, log: DiagnosticLog) -> Bool {
            let finished: Sized
            switch event {
            case .streamStart, .streamEnd, .documentEnd:
                return true
            case .documentStart(let mark):
                documents += 1
                guard documents == 1 else {
                    log.error("invalid YAML: a second document starts here; a configuration file holds one document "
                              + "(remove this --- and what follows, or make it a file of its own)",
                              line: mark.line, column: mark.column)
                    return false
                }
                return true
            case .alias(let anchor, let mark):
                guard let target = anchors[anchor] else {
                    log.error("invalid YAML: found undefined alias", line: mark.line, column: mark.column)
                    return false
                }
                expanded += target.size
                guard expanded <= YAMLComposer.maximumAliasExpansion else {
                    log.error("invalid YAML: aliases expand to more than \(YAMLComposer.maximumAliasExpansion) nodes "
                              + "(an alias bomb?): write the values out", line: mark.line, column: mark.column)
                    return false
                }
                finished = target
            case .scalar(let scalar, let anchor):
                finished = (.scalar(scalar), 1)
                if let anchor { anchors[anchor] = finished }
            case .sequenceStart(let anchor, let mark):
                open.append(Collection(isMapping: false, anchor: anchor, mark: mark))
                return true
            case .mappingStart(let anchor, let mark):
                open.append(Collection(isMapping: true, anchor: anchor, mark: mark))
                return true
            case .sequenceEnd, .mappingEnd:
                guard let collection = open.popLast() else {
                    log.error("invalid YAML: a collection ends that never started", line: 1, column: 1)
                    return false
                }
                finished = (collection.node, collection.size)
                if let anchor = collection.anchor { anchors[anchor] = finished }
            }
            if open.isEmpty {
                root = finished.node
            } else {
                open[open.count - 1].add(finished, log: log)
            }
            return true
        }
    }

    /// A mapping or a list whose end event has not come yet.
    private struct Collection {
        let isMapping: Bool
        let anchor: String?
        let mark: YAMLMark
        var items: [YAMLNode] = []
        var pairs: [YAMLNode.Pair] = []
        var pendingKey: YAMLNode?
        /// Where each scalar key was first written, to report a repeated one.
        var keys: [String: YAMLMark] = [:]
        var size = 1

        init(isMapping: Bool, anchor: String?, mark: YAMLMark) {
            self.isMapping = isMapping
            self.anchor = anchor
            self.mark = mark
        }

        var node: YAMLNode { isMapping ? .mapping(pairs, mark: mark) : .sequence(items, mark: mark) }

        mutating func add(_ child: Sized, log: DiagnosticLog) {
            size += child.size
            guard isMapping else {
                items.append(child.node)
                return
            }
            guard let key = pendingKey else {
                pendingKey = child.node
                if case .scalar(let scalar) = child.node {
                    if let first = keys[scalar.string] {
                        log.error("duplicate key \"\(scalar.string)\" in one mapping (again at line \(scalar.mark.line)): "
                                  + "keep only one", line: first.line, column: first.column)
                    } else {
                        keys[scalar.string] = scalar.mark
                    }
                }
                return
            }
            pairs.append((key: key, value: child.node))
            pendingKey = nil
        }
    }
}
