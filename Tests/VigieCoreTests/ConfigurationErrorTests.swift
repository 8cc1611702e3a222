import Testing
@testable import VigieCore

// Every kind of validation error, each at its exact line and column.

private let tcpBus = """
modbus:
  buses:
    - name: line
      tcp: 127.0.0.1:1502
      devices:

"""

@Test func unknownKeyIsLocatedWithASuggestion() {
    expectSingleError("gateway:\n  id: x\n  dta_dir: /tmp\n", line: 3, column: 3,
                      "unknown key \"dta_dir\" in gateway (did you mean \"data_dir\"?)")
}

@Test func unknownTopLevelSectionIsLocated() {
    expectSingleError("gateway: {}\nmodbuss: {}\n", line: 2, column: 1, "did you mean \"modbus\"?")
}

@Test func wrongTypeIsLocatedAtTheValue() {
    expectSingleError("gateway: [a, b]\n", line: 1, column: 10, "gateway must be a mapping of keys, not a list")
    expectSingleError("modbus:\n  buses: 3\n", line: 2, column: 10, "\"buses\" must be a list")
    expectSingleError("buffer:\n  batch_size: many\n", line: 2, column: 15, "\"batch_size\" must be a whole number")
}

@Test func missingRequiredKeyIsLocatedAtItsMapping() {
    expectSingleError("modbus:\n  buses:\n    - tcp: 127.0.0.1:502\n", line: 3, column: 7,
                      "missing required key \"name\" in a Modbus bus")
    expectSingleError(tcpBus + "        - { name: meter, points: [] }\n", line: 6, column: 11,
                      "missing required key \"unit\"")
}

@Test func badDurationIsLocated() {
    expectSingleError("aggregate:\n  window: [1m, soon]\n", line: 2, column: 16,
                      "\"window\" must be a duration such as 500ms, 10s, 15m or 7d")
    expectSingleError(tcpBus + "        - { name: m, unit: 1, poll: 0s, points: [] }\n", line: 6, column: 37,
                      "\"poll\" must be a duration")
}

@Test func badSizeIsLocated() {
    expectSingleError("buffer:\n  max_size: lots\n", line: 2, column: 13, "\"max_size\" must be a size such as 64KB")
}

@Test func badAddressIsLocated() {
    expectSingleError("mqtt:\n  broker: localhost:70000\n", line: 2, column: 11,
                      "\"broker\" must be an address host:port")
    expectSingleError("gateway:\n  http: ::1:80\n", line: 2, column: 9, "\"http\" must be an address")
}

@Test func duplicateBusNamesAreLocatedAtTheSecond() {
    let yaml = "modbus:\n  buses:\n    - { name: a, tcp: 10.0.0.1:502 }\n    - { name: a, tcp: 10.0.0.2:502 }\n"
    expectSingleError(yaml, line: 4, column: 15, "duplicate bus name \"a\" (first at line 3)")
}

@Test func duplicateDeviceNamesAcrossBusesAreLocated() {
    let yaml = tcpBus + """
            - { name: "meter-{unit}", units: 1-3, points: [] }
        - name: other
          tcp: 10.0.0.2:502
          devices:
            - { name: meter-2, unit: 9, points: [] }

    """
    let found = diagnostics(of: yaml)
    #expect(found.first?.line == 10 && found.first?.column == 19, "\(found)")
    #expect(found.first?.message.contains("duplicate device name \"meter-2\" (first at line 6)") == true)
}

@Test func duplicatePointNamesAreLocated() {
    let yaml = tcpBus + """
            - name: m
              unit: 1
              points:
                - { name: p, table: holding, address: 0 }
                - { name: p, table: holding, address: 1 }

    """
    expectSingleError(yaml, line: 10, column: 23, "duplicate point name \"p\" in device \"m\" (first at line 9)")
}

@Test func unitIDsOutside1To247AreLocated() {
    expectSingleError(tcpBus + "        - { name: m, unit: 0, points: [] }\n", line: 6, column: 28,
                      "\"unit\" must be a whole number from 1 to 247, not 0")
    expectSingleError(tcpBus + "        - { name: \"m-{unit}\", units: 1-300, points: [] }\n", line: 6, column: 38,
                      "unit id 300 is outside 1...247")
    expectSingleError(tcpBus + "        - { name: \"m-{unit}\", units: [1, 248], points: [] }\n", line: 6, column: 42,
                      "unit id 248 is outside 1...247")
}

@Test func registerAddressOutOfRangeOrOverflowingIsLocated() {
    expectSingleError(tcpBus + "        - { name: m, unit: 1, points: [{ name: p, table: input, address: 70000 }] }\n",
                      line: 6, column: 74, "\"address\" must be a whole number from 0 to 65535, not 70000")
    expectSingleError(tcpBus + "        - { name: m, unit: 1, points: [{ name: p, table: input, address: 65534, "
                      + "type: float64 }] }\n",
                      line: 6, column: 74, "occupies 4 registers from 65534: past the last address 65535")
}

@Test func unknownTypeOrderAndTableAreLocated() {
    let point = tcpBus + "        - name: m\n          unit: 1\n          points:\n            - "
    expectSingleError(point + "{ name: p, table: holding, address: 1, type: float128 }\n", line: 9, column: 60,
                      "unknown type \"float128\"")
    expectSingleError(point + "{ name: p, table: holding, address: 1, type: int32, order: ACBD }\n", line: 9,
                      column: 74, "unknown order \"ACBD\": use one of ABCD, CDAB, BADC, DCBA")
    expectSingleError(point + "{ name: p, table: holdings, address: 1 }\n", line: 9, column: 33,
                      "unknown table \"holdings\": use one of coils, discrete, holding, input (did you mean \"holding\"?)")
}

@Test func invalidYAMLIsLocated() {
    expectSingleError("gateway:\n  id: [x\n", line: 3, column: 1, "invalid YAML")
    expectSingleError("gateway:\n  id: a\n  id: b\n", line: 2, column: 3, "duplicate key \"id\"")
}

@Test func profileNotFoundListsTheFoldersSearched() {
    let found = diagnostics(of: "profiles_dir: [/nowhere/a, rel]\n" + tcpBus
                            + "        - { name: m, unit: 1, profile: no-such }\n", path: "conf/test.yaml")
    #expect(found.count == 1)
    #expect(found.first?.line == 7 && found.first?.column == 40, "\(found)")
    #expect(found.first?.message == "profile \"no-such\" not found: no no-such.yaml in /nowhere/a, conf/rel "
            + "(set profiles_dir, or check the id)")
}

@Test func profileErrorsAreLocatedInTheProfileFile() {
    let config = TestPaths.fixtures + "/uses-profiles.yaml"
    let profile = TestPaths.fixtures + "/profiles/broken-meter.yaml"
    #expect(throws: ConfigurationErrors.self) { try ConfigurationLoader.load(path: config) }
    do {
        _ = try ConfigurationLoader.load(path: config)
    } catch {
        let lines = error.diagnostics.map(\.description)
        #expect(lines == [
            "\(config):9:46: profile \"no-such-meter\" not found: no no-such-meter.yaml in "
                + "\(TestPaths.fixtures)/profiles (set profiles_dir, or check the id)",
            "\(profile):8:45: point \"current\" of profile \"broken-meter\" occupies 2 registers from 65535: "
                + "past the last address 65535",
            "\(profile):9:13: duplicate point name \"voltage\" in profile \"broken-meter\" (first at line 7)",
        ])
    }
}

@Test func profileIDMustMatchItsFileName() {
    #expect(throws: ConfigurationErrors.self) { try ProfileLoader.load(path: TestPaths.fixtures + "/profiles/misnamed.yaml") }
    do {
        _ = try ProfileLoader.load(path: TestPaths.fixtures + "/profiles/misnamed.yaml")
    } catch {
        #expect(error.diagnostics.map { [$0.line, $0.column] } == [[1, 5]])
        #expect(error.diagnostics.first?.message.contains("differs from its file name") == true)
    }
}

@Test func unreadableFilesAreLocatedAtTheirFirstLine() {
    for path in ["/nonexistent/vigie.yaml", TestPaths.fixtures] {
        do {
            _ = try ConfigurationLoader.load(path: path)
            Issue.record("\(path) loaded")
        } catch {
            #expect(error.diagnostics.count == 1)
            #expect(error.diagnostics.first?.description.hasPrefix("\(path):1:1: cannot read") == true,
                    "\(error.diagnostics)")
        }
    }
}

@Test func severalMistakesAreAllReportedInFileOrder() {
    let yaml = "gateway:\n  idd: x\nbuffer:\n  max_size: lots\n  keep_readings: never\n"
    #expect(diagnostics(of: yaml).map { [$0.line, $0.column] } == [[2, 3], [4, 13], [5, 18]])
}

@Test func aCommitIntervalShorterThanTheBatchIntervalIsLocated() {
    expectSingleError("buffer:\n  batch_interval: 2s\n  commit_interval: 1s\n", line: 3, column: 20,
                      "\"commit_interval\" (1000ms) must be at least \"batch_interval\" (2000ms)")
    expectSingleError("buffer:\n  commit_interval: never\n", line: 2, column: 20, "\"commit_interval\" must be a duration")
}

@Test func unknownRetainedPolicyIsLocatedWithASuggestion() {
    expectSingleError("mqtt:\n  subscriptions:\n    - { topic: a/+, format: json, retained: skipp }\n",
                      line: 3, column: 45, "unknown retained \"skipp\": use one of new, skip, keep (did you mean \"skip\"?)")
}

@Test func badMaxSilenceIsLocated() {
    expectSingleError("anomaly:\n  max_silence: soon\n",
                      line: 2, column: 16, "\"max_silence\" must be a duration such as 30m or 2h, or off, not soon")
    expectSingleError("anomaly:\n  overrides:\n    - { sensor: a/*, max_silence: 0s }\n",
                      line: 3, column: 35, "\"max_silence\" must be a duration such as 30m or 2h, or off, not 0s")
}

@Test func badMaxTimeAheadIsLocated() {
    expectSingleError("mqtt:\n  subscriptions:\n    - { topic: a/+, format: json, max_time_ahead: soon }\n",
                      line: 3, column: 51, "\"max_time_ahead\" must be a duration such as 30s or 10m, or off, not soon")
    expectSingleError("mqtt:\n  subscriptions:\n    - { topic: a/+, format: json, max_time_ahead: 0s }\n",
                      line: 3, column: 51, "\"max_time_ahead\" must be a duration such as 30s or 10m, or off, not 0s")
}
