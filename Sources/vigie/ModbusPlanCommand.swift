import ArgumentParser
import VigieCore

/// `vigie modbus plan`: the reads a device's points coalesce into, and how long a cycle takes.
struct ModbusPlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Print a device's request plan and how long one poll takes on the line.",
        discussion: """
        Examples:
          vigie modbus plan --profile eastron-sdm630 --baud 9600
          vigie modbus plan --config /etc/vigie/vigie.yaml --device tableau-general
        Line time counts request and reply frames at the baud rate (11 bits a character with 8N1
        framing) plus 3.5 characters of silence after each frame; the device's own reply delay is not included.
        """
    )

    @OptionGroup var selection: ModbusDeviceOptions
    @Option(help: "Baud rate for the line time (default: the bus's, else 9600).") var baud: Int?
    @Option(help: "Registers between points that one request may read over (default: the bus's, else 10).") var maxGap: Int?

    func run() async throws {
        let (device, bus) = try selection.resolve(unit: nil)
        let planner = RequestPlanner(maxGap: maxGap ?? bus?.maxGap ?? 10, maxRegisters: device.maxRegistersPerRequest)
        var line = SerialLine(port: "-", baud: baud ?? 9600)
        if case .rtu(let busLine)? = bus?.transport {
            line = busLine
            if let baud { line.baud = baud }
        }
        let bitsPerCharacter = 1 + line.dataBits + (line.parity == .none ? 0 : 1) + line.stopBits
        print("device \(device.name), unit \(device.unit), \(device.points.count) points")
        for group in device.pollGroups {
            let plan = planner.plan(group.points)
            var table = TextTable(header: ["request", "count", "points", "line time"])
            var total = 0.0
            for read in plan {
                let replyData = read.request.table.isBitTable ? (read.request.count + 7) / 8 : 2 * read.request.count
                let characters = 8 + 5 + replyData + 7 // request, reply frame, 2 × 3.5 characters of silence
                let millis = Double(characters * bitsPerCharacter) / Double(max(1, line.baud)) * 1000
                total += millis
                table.rows.append(["\(read.request)", "\(read.request.count)", read.points.map(\.name).joined(separator: ","),
                                   "\(Int(millis.rounded())) ms"])
            }
            print("\npoll every \(group.interval.configText): \(plan.count) requests, ~\(Int(total.rounded())) ms on the line at \(line.baud) baud \(line.dataBits)\(line.parity.letter)\(line.stopBits)")
            print(table.render())
        }
    }
}
