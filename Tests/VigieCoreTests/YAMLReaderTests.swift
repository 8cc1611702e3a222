import Testing
@testable import VigieCore

// The YAML layer on its own: libyaml's events composed into YAMLNode, with located errors.

private func parsed(_ text: String) -> (root: YAMLNode?, errors: [String]) {
    let log = DiagnosticLog(file: "t.yaml")
    let root = YAMLDocument.parse(text, log: log)
    return (root, log.diagnostics.map { "\($0.line):\($0.column): \($0.message)" })
}

/// The tree as compact text: `{k: v}`, `[a, b]`, scalars as written, `"quoted"` when not plain.
private func shape(_ node: YAMLNode?) -> String {
    switch node {
    case nil: "nil"
    case .scalar(let scalar)?: scalar.style == .plain ? scalar.string : "\"\(scalar.string)\""
    case .sequence(let items, _)?: "[" + items.map { shape($0) }.joined(separator: ", ") + "]"
    case .mapping(let pairs, _)?: "{" + pairs.map { shape($0.key) + ": " + shape($0.value) }.joined(separator: ", ") + "}"
    }
}

private func value(_ key: String, in node: YAMLNode?) -> YAMLNode? {
    guard case .mapping(let pairs, _)? = node else { return nil }
    return pairs.first { $0.key.scalar?.string == key }?.value
}

@Test func blockMappingsAndListsKeepTheirOrderAndMarks() {
    let (root, errors) = parsed("zeta: 1\nalpha:\n  - x\n  - é: y\n")
    #expect(errors.isEmpty)
    #expect(shape(root) == "{zeta: 1, alpha: [x, {é: y}]}")
    #expect(root?.mark == YAMLMark(line: 1, column: 1))
    #expect(value("zeta", in: root)?.mark == YAMLMark(line: 1, column: 7))
    guard case .sequence(let items, let mark)? = value("alpha", in: root) else { Issue.record("not a list"); return }
    #expect(mark == YAMLMark(line: 3, column: 3))
    #expect(items.map(\.mark) == [YAMLMark(line: 3, column: 5), YAMLMark(line: 4, column: 5)])
    #expect(value("é", in: items[1])?.mark == YAMLMark(line: 4, column: 8), "columns count characters, not bytes")
}

@Test func flowCollectionsReadLikeBlockOnes() {
    let (root, errors) = parsed("{a: [1, 2], b: {c: d}, e: []}")
    #expect(errors.isEmpty)
    #expect(shape(root) == "{a: [1, 2], b: {c: d}, e: []}")
    #expect(value("b", in: root)?.mark == YAMLMark(line: 1, column: 16))
}

@Test func plainScalarsStayAsWrittenAndOnlyPlainOnesMeanNothing() {
    let (root, errors) = parsed("""
    a: yes
    b: on
    c: 0x10
    d: 1_000
    e: .inf
    f: 010
    g: ~
    h: null
    i:
    j: "null"
    k: ''
    l: !!str 12
    """)
    #expect(errors.isEmpty)
    #expect(shape(root) == "{a: yes, b: on, c: 0x10, d: 1_000, e: .inf, f: 010, g: ~, h: null, i: , j: \"null\", k: \"\", l: 12}")
    let nothing = ["g", "h", "i"]
    for key in ["a", "c", "g", "h", "i", "j", "k", "l"] {
        #expect(value(key, in: root)?.isNull == nothing.contains(key), "\(key)")
    }
    #expect(value("j", in: root)?.scalar?.style == .doubleQuoted)
    #expect(value("k", in: root)?.scalar?.style == .singleQuoted)
}

@Test func blockScalarsKeepOrFoldTheirLines() {
    let (root, errors) = parsed("a: |\n  one\n  two\nb: >\n  one\n  two\nc: |-\n  kept\n")
    #expect(errors.isEmpty)
    #expect(value("a", in: root)?.scalar == YAMLScalar(string: "one\ntwo\n", style: .literal, mark: YAMLMark(line: 1, column: 4)))
    #expect(value("b", in: root)?.scalar?.string == "one two\n")
    #expect(value("b", in: root)?.scalar?.style == .folded)
    #expect(value("c", in: root)?.scalar?.string == "kept")
}

@Test func aliasesStandForTheirAnchoredNode() {
    let (root, errors) = parsed("base: &b {port: 502, unit: 1}\nother: *b\nname: &n meter\nagain: *n\n")
    #expect(errors.isEmpty)
    #expect(shape(value("other", in: root)) == "{port: 502, unit: 1}")
    #expect(value("other", in: root)?.mark == YAMLMark(line: 1, column: 7), "located at the anchor")
    #expect(value("again", in: root)?.scalar?.string == "meter")
    #expect(parsed("a: *missing\n").errors == ["1:4: invalid YAML: found undefined alias"])
    #expect(parsed("a: &a [1, *a]\n").errors == ["1:11: invalid YAML: found undefined alias"])
}

@Test func aliasBombsAreRefusedWhereTheyPassTheCap() {
    var yaml = "a0: &a0 [" + Array(repeating: "x", count: 10).joined(separator: ", ") + "]\n"
    for level in 1...3 { yaml += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n" }
    #expect(parsed(yaml).errors.isEmpty, "12,330 expanded nodes are fine")
    yaml += "a4: &a4 [" + Array(repeating: "*a3", count: 10).joined(separator: ", ") + "]\n"
    #expect(parsed(yaml).errors == ["5:45: invalid YAML: aliases expand to more than 100000 nodes (an alias bomb?): write the values out"])
}

@Test func duplicateKeysInOneMappingAreLocatedAtTheFirst() {
    #expect(parsed("a: 1\nb: 2\na: 3\n").errors == ["1:1: duplicate key \"a\" in one mapping (again at line 3): keep only one"])
    #expect(parsed("{x: 1, \"x\": 2}").errors.count == 1, "a quoted key is the same key")
    #expect(parsed("one: {a: 1}\ntwo: {a: 2}\n").errors.isEmpty, "the same key in two mappings is fine")
}

@Test func syntaxErrorsAreLocatedWithLibyamlsProblemAndContext() {
    #expect(parsed("a: b: c\n").errors == ["1:5: invalid YAML: mapping values are not allowed in this context"])
    #expect(parsed("a: [b\n").errors
            == ["2:1: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 1, column 4)"])
    #expect(parsed("a: \"open\n").errors
            == ["2:1: invalid YAML: found unexpected end of stream (while scanning a quoted scalar at line 1, column 4)"])
    #expect(parsed("é: a\u{1}\n").errors == ["1:5: invalid YAML: control characters are not allowed"])
}

@Test func tabsIndentNothingButMaySeparateValues() {
    #expect(parsed("a:\n\tb: 1\n").errors == ["2:1: invalid YAML: found character that cannot start any token "
                                             + "(while scanning for the next token at line 2, column 1)"])
    let (root, errors) = parsed("a: 1\t# a comment\nb:\tx\n")
    #expect(errors.isEmpty)
    #expect(shape(root) == "{a: 1, b: x}")
}

@Test func emptyStreamsHaveNoRootAndAnEmptyDocumentIsNothing() {
    #expect(parsed("").root == nil)
    #expect(parsed("# only a comment\n\n").root == nil)
    #expect(parsed("---\n").root?.isNull == true)
    #expect(parsed("---\na: 1\n...\n").errors.isEmpty)
}

@Test func aSecondDocumentIsRefusedWhereItStarts() {
    #expect(parsed("a: 1\n---\nb: 2\n").errors == ["2:1: invalid YAML: a second document starts here; a configuration "
                                                  + "file holds one document (remove this --- and what follows, or make it a file of its own)"])
    #expect(parsed("a: 1\n---\nb: 2\n").root == nil)
}

@Test func complexKeysAreKeptForTheReadersToRefuse() {
    let (root, errors) = parsed("? [a, b]\n: c\n")
    #expect(errors.isEmpty)
    #expect(shape(root) == "{[a, b]: c}")
    #expect(diagnostics(of: "? [a, b]\n: c\n").map(\.description) == ["test.yaml:1:3: a key in the configuration must be a plain name, not a list"])
}

@Test func anAliasedPointListLoadsUnderEveryDeviceThatNamesIt() throws {
    let yaml = """
    modbus:
      buses:
        - name: a
          tcp: 127.0.0.1:1502
          devices:
            - { name: d1, unit: 1, points: &points [{ name: p, table: holding, address: 0x10 }] }
            - { name: d2, unit: 2, points: *points }
    """
    let devices = try loaded(yaml).configuration.modbus.buses.first?.devices ?? []
    #expect(devices.map { $0.points.map(\.name) } == [["p"], ["p"]])
    #expect(devices.last?.points.first?.address == 16)
    // An error in the aliased list is located where it is written (at "ten"), once per use.
    let broken = yaml.replacingAll("address: 0x10", with: "address: ten")
    #expect(diagnostics(of: broken).map { "\($0.line):\($0.column)" } == ["6:85", "6:85"])
}
