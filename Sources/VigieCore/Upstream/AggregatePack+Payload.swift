extension AggregatePack {
    /// The payload a sink sends for this pack: SenML or plain JSON, with the configured
    /// statistics and the outbox sequence number.
    public func payload(format: UpstreamFormat, statistics: [Statistic], gateway: String, sequence: Int64) -> String {
        switch format {
        case .senml: SenMLPackEncoder(statistics: statistics).encode(self, gateway: gateway, sequence: sequence)
        case .json: PlainJSONPackEncoder(statistics: statistics).encode(self, gateway: gateway, sequence: sequence)
        }
    }
}
