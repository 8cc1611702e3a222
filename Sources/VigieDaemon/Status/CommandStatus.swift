/// One command from the hub as the status page lists it.
public struct CommandStatus: Codable, Sendable, Equatable {
    public var id: String?
    /// When it arrived, ms since the epoch.
    public var received: Int64
    public var origin: String
    /// `write chaufferie/consigne = 21.5`, `replay tableau-general`.
    public var summary: String
    /// `done`, `refused reason`, `failed`, `running`.
    public var status: String
    public var detail: String?

    public init(id: String?, received: Int64, origin: String, summary: String, status: String, detail: String?) {
        self.id = id
        self.received = received
        self.origin = origin
        self.summary = summary
        self.status = status
        self.detail = detail
    }
}
