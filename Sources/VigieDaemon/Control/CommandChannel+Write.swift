import VigieCore
import VigieModbus

extension CommandChannel {
    /// Writes a setpoint and reads it back: `done` when the read-back is within one raw step of
    /// the value, `failed` with both values otherwise or with the Modbus error in words.
    func write(_ value: CommandValue, device: String, point pointName: String, id: String) async -> CommandReply {
        func refused(_ refusal: CommandRefusal) -> CommandReply { .refused(refusal, id: id, time: now()) }
        guard let target = modbus(device) else {
            return refused(CommandRefusal(.unknownPoint, "no Modbus device named \(device)"))
        }
        guard let point = target.device.points.first(where: { $0.name == pointName })
                ?? target.device.points.first(where: { $0.name.lowercased() == pointName.lowercased() }) else {
            return refused(CommandRefusal(.unknownPoint, "device \(device) has no point named \(pointName)"))
        }
        let plan: PlannedWrite
        switch PlannedWrite.plan(value, for: point) {
        case .success(let planned): plan = planned
        case .failure(let refusal): return refused(refusal)
        }
        var reply = CommandReply(id: id, status: .done, device: target.device.name, point: point.name, value: value, time: 0)
        do {
            let outcome = try await target.source.write(plan, device: target.device, link: target.link)
            reply.oldValue = outcome.old
            reply.readBack = outcome.readBack
            if !plan.matches(readBack: outcome.readBack) {
                reply.status = .failed
                reply.detail = "wrote \(value) but read back \(JSONWriter.format(outcome.readBack) ?? "nothing readable")"
            }
        } catch {
            reply.status = .failed
            reply.detail = error.description
        }
        reply.time = now()
        return reply
    }
}
