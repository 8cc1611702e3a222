extension HubCommand {
    /// A message that is not a valid command: the refusal, and the id when one could be read.
    public struct Malformed: Error, Sendable, Equatable {
        public var id: String?
        public var refusal: CommandRefusal
    }

    /// Reads one message; a malformed one is refused as `bad_request` with what is wrong.
    public static func parse(_ payload: [UInt8]) -> Result<HubCommand, Malformed> {
        guard payload.count <= 16_384 else {
            return .failure(Malformed(id: nil, refusal: CommandRefusal(.badRequest, "the message is larger than 16 KB")))
        }
        let root: JSONValue
        switch JSONParser().parse(payload) {
        case .success(let value): root = value
        case .failure(let rejection):
            return .failure(Malformed(id: nil, refusal: CommandRefusal(.badRequest, "not JSON: \(rejection)")))
        }
        guard case .object = root else {
            return .failure(Malformed(id: nil, refusal: CommandRefusal(.badRequest, "a command is a JSON object")))
        }
        let id = root["id"]?.stringValue
        func bad(_ detail: String) -> Result<HubCommand, Malformed> {
            .failure(Malformed(id: id.flatMap { $0.isEmpty || $0.count > maximumIDLength ? nil : $0 },
                               refusal: CommandRefusal(.badRequest, detail)))
        }
        guard let id, !id.isEmpty else { return bad("\"id\" (a string) is required") }
        guard id.count <= maximumIDLength else { return bad("\"id\" is longer than \(maximumIDLength) characters") }
        var time: Int64?
        var expires: Int64?
        for key in ["time", "expires"] {
            guard let value = root[key] else { continue }
            guard let millis = Self.milliseconds(value) else { return bad("\"\(key)\" must be milliseconds since the epoch") }
            if key == "time" { time = millis } else { expires = millis }
        }
        if let replay = root["replay"] {
            if root["device"] != nil || root["value"] != nil {
                return bad("a command either writes (device, point, value) or replays, not both")
            }
            switch Self.replay(replay) {
            case .success(let request): return .success(HubCommand(id: id, action: .replay(request), time: time, expires: expires))
            case .failure(let refusal): return bad(refusal.detail)
            }
        }
        guard let device = root["device"]?.stringValue, !device.isEmpty else { return bad("\"device\" (a string) is required") }
        guard let point = root["point"]?.stringValue, !point.isEmpty else { return bad("\"point\" (a string) is required") }
        let value: CommandValue
        switch root["value"] {
        case .number(let number)?: value = .number(number)
        case .bool(let state)?: value = .bool(state)
        case .string(let label)?: value = .label(label)
        case nil: return bad("\"value\" is required")
        default: return bad("\"value\" must be a number, true/false or a label")
        }
        guard time != nil || expires != nil else {
            return bad("a write needs \"time\" or \"expires\", so that one queued during an outage cannot act late")
        }
        return .success(HubCommand(id: id, action: .write(device: device, point: point, value: value), time: time, expires: expires))
    }

    private static func replay(_ node: JSONValue) -> Result<ReplayRequest, CommandRefusal> {
        func bad(_ detail: String) -> Result<ReplayRequest, CommandRefusal> { .failure(CommandRefusal(.badRequest, detail)) }
        guard case .object = node else { return bad("\"replay\" must be an object") }
        guard let device = node["device"]?.stringValue, !device.isEmpty else { return bad("\"replay.device\" (a string) is required") }
        var point: String?
        if let value = node["point"] {
            guard let text = value.stringValue, !text.isEmpty else { return bad("\"replay.point\" must be a string") }
            point = text
        }
        guard let from = node["from"].flatMap(milliseconds), let to = node["to"].flatMap(milliseconds) else {
            return bad("\"replay.from\" and \"replay.to\" (milliseconds since the epoch) are required")
        }
        guard from < to else { return bad("\"replay.from\" must be before \"replay.to\"") }
        let whatText = node["what"]?.stringValue ?? ReplayRequest.Content.readings.rawValue
        guard let what = ReplayRequest.Content(rawValue: whatText) else {
            return bad("\"replay.what\" is readings or aggregates, not \(whatText)")
        }
        return .success(ReplayRequest(device: device, point: point, from: from, to: to, what: what))
    }

    /// A whole, non-negative number of milliseconds.
    private static func milliseconds(_ value: JSONValue) -> Int64? {
        guard case .number(let number) = value, number >= 0, number < 9e15, number == number.rounded() else { return nil }
        return Int64(number)
    }
}
