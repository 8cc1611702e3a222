import VigieCore
import VigieMQTT

extension MQTTSink {
    /// Hands each command message to the control handler, in order, and runs the jobs it starts
    /// (and those to resume) beside it until the sink stops.
    func serveCommands(_ control: SinkControl, client: MQTTClient) async {
        let link = SinkLink(sink: name, drainRate: configuration.drainRate, client: client, outbox: outbox)
        await withDiscardingTaskGroup { group in
            for job in await control.resume() {
                group.addTask { await job(link) }
            }
            for await message in client.messages {
                if let job = await control.handle(message, link) {
                    group.addTask { await job(link) }
                }
            }
            group.cancelAll()
        }
    }
}
