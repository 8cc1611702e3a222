import Testing
import VigieCore

struct RequestPlannerTests {
    func point(_ name: String, _ table: RegisterTable, _ address: Int, _ type: ValueType = .uint16) -> PointDefinition {
        PointDefinition(name: name, table: table, address: address, type: type)
    }

    @Test func mergesPointsWithinTheGapAndSplitsBeyondIt() {
        let points = [point("a", .holding, 0, .float32), point("b", .holding, 2, .float32), point("c", .holding, 20)]
        #expect(RequestPlanner(maxGap: 10).plan(points).map(\.request) == [
            ReadRequest(table: .holding, address: 0, count: 4), ReadRequest(table: .holding, address: 20, count: 1),
        ])
        #expect(RequestPlanner(maxGap: 16).plan(points).map(\.request) == [ReadRequest(table: .holding, address: 0, count: 21)])
    }

    @Test func keepsTablesApartAndOrdersByAddress() {
        let points = [point("i", .input, 5), point("h2", .holding, 10), point("c", .coils, 3), point("h1", .holding, 8)]
        let plan = RequestPlanner(maxGap: 5).plan(points)
        #expect(plan.map(\.request) == [ReadRequest(table: .coils, address: 3, count: 1),
                                         ReadRequest(table: .holding, address: 8, count: 3),
                                         ReadRequest(table: .input, address: 5, count: 1)])
        #expect(plan[1].points.map(\.name) == ["h1", "h2"])
    }

    @Test func neverExceedsTheRegisterLimit() {
        let points = (0..<100).map { point("p\($0)", .input, $0 * 2, .float32) }
        let plan = RequestPlanner(maxGap: 10).plan(points)
        #expect(plan.allSatisfy { $0.request.count <= 125 })
        #expect(plan.map(\.request) == [ReadRequest(table: .input, address: 0, count: 124),
                                         ReadRequest(table: .input, address: 124, count: 76)])
        let limited = RequestPlanner(maxGap: 10, maxRegisters: 40).plan(points)
        #expect(limited.count == 5)
        #expect(limited.allSatisfy { $0.request.count <= 40 })
    }

    @Test func bitTablesUpToTwoThousandBits() {
        let points = (0..<2500).map { point("c\($0)", .coils, $0, .bool) }
        #expect(RequestPlanner().plan(points).map(\.request.count) == [2000, 500])
    }

    @Test func overlappingPointsShareOneRead() {
        let points = [point("whole", .holding, 0, .uint32), point("low", .holding, 1)]
        #expect(RequestPlanner(maxGap: 0).plan(points).map(\.request) == [ReadRequest(table: .holding, address: 0, count: 2)])
    }

    @Test func splitGivesOneReadPerPoint() {
        let read = RequestPlanner(maxGap: 10).plan([point("a", .holding, 0, .float32), point("b", .holding, 6)])[0]
        #expect(RequestPlanner.split(read).map(\.request) == [ReadRequest(table: .holding, address: 0, count: 2),
                                                              ReadRequest(table: .holding, address: 6, count: 1)])
    }
}
