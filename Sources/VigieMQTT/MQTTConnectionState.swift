/// Where the client's connection is; observed through `MQTTClient.connectionStates`.
///
/// The cycle: `connecting` → `connected` → `disconnected` → `waitingToReconnect` → `connecting`...
/// until `stopped`, the last state.
public enum MQTTConnectionState: Sendable, Equatable, CustomStringConvertible {
    /// Opening TCP (and TLS), sending CONNECT.
    case connecting
    /// CONNACK accepted; subscriptions (re)sent.
    case connected
    /// The connection failed or was lost, or the broker refused it; the reason in words.
    case disconnected(reason: String)
    /// Backing off before the next attempt (see `Backoff`).
    case waitingToReconnect(delay: Duration)
    /// Shut down; no further state follows.
    case stopped

    public var description: String {
        switch self {
        case .connecting: "connecting"
        case .connected: "connected"
        case .disconnected(let reason): "disconnected: \(reason)"
        case .waitingToReconnect(let delay): "reconnecting in \(delay.milliseconds) ms"
        case .stopped: "stopped"
        }
    }
}
