/// ChirpStack v4 and The Things Stack v3 uplinks.
extension SubscriptionDecoder {
    /// ChirpStack v4 `up` event: points from the codec's `object` (numeric strings accepted), device
    /// `deviceInfo.deviceName` (else `devEui`), time from `time`, and `rssi` (dBm) / `snr` (dB) of the
    /// best gateway (highest RSSI) in `rxInfo` when present.
    func chirpStackPoints(_ root: JSONValue, ignored: inout Int) throws(PayloadRejection) -> [PayloadPoint] {
        guard case .object = root else { throw PayloadRejection(.parseError, "expected a ChirpStack event object") }
        guard let device = root["deviceInfo"]?["deviceName"]?.stringValue ?? root["deviceInfo"]?["devEui"]?.stringValue else {
            throw PayloadRejection(.missingField, "deviceInfo.deviceName (or devEui) is missing")
        }
        guard let object = root["object"] else {
            throw PayloadRejection(.missingField, "\"object\" is missing: no codec decoded this uplink in ChirpStack")
        }
        let time = try root["time"].map { value throws(PayloadRejection) in try Self.time(of: value, field: "time") }
        var points = try decodedPoints(object, device: device, time: time, ignored: &ignored)
        points += Self.bestGateway(root["rxInfo"], rssi: "rssi", snr: "snr", device: device, time: time)
        return points
    }

    /// The Things Stack v3 uplink: `uplink_message.decoded_payload`, device `end_device_ids.device_id`, time
    /// `uplink_message.received_at` (else `received_at`), best gateway's `rssi`/`snr` from `rx_metadata`.
    func ttnPoints(_ root: JSONValue, ignored: inout Int) throws(PayloadRejection) -> [PayloadPoint] {
        guard case .object = root else { throw PayloadRejection(.parseError, "expected a The Things Stack uplink object") }
        guard let device = root["end_device_ids"]?["device_id"]?.stringValue else {
            throw PayloadRejection(.missingField, "end_device_ids.device_id is missing")
        }
        guard let uplink = root["uplink_message"] else {
            throw PayloadRejection(.missingField, "uplink_message is missing: not an uplink event")
        }
        guard let decoded = uplink["decoded_payload"] else {
            throw PayloadRejection(.missingField, "uplink_message.decoded_payload is missing: no payload formatter ran")
        }
        let time = try (uplink["received_at"] ?? root["received_at"]).map { value throws(PayloadRejection) in
            try Self.time(of: value, field: "received_at")
        }
        var points = try decodedPoints(decoded, device: device, time: time, ignored: &ignored)
        points += Self.bestGateway(uplink["rx_metadata"], rssi: "rssi", snr: "snr", device: device, time: time)
        return points
    }

    func decodedPoints(_ object: JSONValue, device: String, time: Int64?,
                       ignored: inout Int) throws(PayloadRejection) -> [PayloadPoint] {
        guard case .object = object else {
            throw PayloadRejection(.parseError, "the decoded payload is not a JSON object")
        }
        var flattener = FieldFlattener(acceptsNumericStrings: true, maxPoints: maxPoints)
        try flattener.flatten(object)
        ignored += flattener.ignored
        return flattener.fields.map { PayloadPoint(device: device, field: $0.name, value: $0.value, time: time) }
    }

    static func bestGateway(_ gateways: JSONValue?, rssi: String, snr: String, device: String, time: Int64?) -> [PayloadPoint] {
        guard case .array(let entries) = gateways else { return [] }
        let best = entries.compactMap { entry -> (rssi: Double, snr: Double?)? in
            guard let value = entry[rssi]?.numberValue else { return nil }
            return (value, entry[snr]?.numberValue)
        }.max { $0.rssi < $1.rssi }
        guard let best else { return [] }
        var points = [PayloadPoint(device: device, field: "rssi", value: best.rssi, time: time, unit: "dBm")]
        if let value = best.snr { points.append(PayloadPoint(device: device, field: "snr", value: value, time: time, unit: "dB")) }
        return points
    }
}
