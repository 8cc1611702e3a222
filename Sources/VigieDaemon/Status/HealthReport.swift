/// The answer of `/health`: an overall state and one line per component.
public struct HealthReport: Codable, Sendable, Equatable {
    public var status: ComponentState
    public var gateway: String
    public var checkedAt: Int64
    public var components: [Component]

    /// One checked part of the gateway.
    public struct Component: Codable, Sendable, Equatable {
        /// `device`, `subscription`, `store`, `sink`, `backlog` or `clock`.
        public var kind: String
        /// `bus/device`, the topic, the sink name...
        public var name: String
        public var state: ComponentState
        public var detail: String?

        public init(kind: String, name: String, state: ComponentState, detail: String? = nil) {
            self.kind = kind
            self.name = name
            self.state = state
            self.detail = detail
        }
    }

    public init(status: ComponentState, gateway: String, checkedAt: Int64, components: [Component]) {
        self.status = status
        self.gateway = gateway
        self.checkedAt = checkedAt
        self.components = components
    }

    /// 200 while the gateway does its job (ok or degraded), 503 when it fails.
    public var httpStatus: Int { status == .failing ? 503 : 200 }
}
