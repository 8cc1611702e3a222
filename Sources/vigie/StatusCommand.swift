import ArgumentParser
import FoundationEssentials
import Glibc
import VigieCore
import VigieDaemon
import VigieMQTT

/// `vigie status`: a running gateway's state in the terminal, from its HTTP API.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a running gateway's devices, sensors, anomalies and upstream state.",
        discussion: """
        Reads the gateway's HTTP API (gateway.http in its configuration). Exits 0 when the gateway is
        ok or degraded, 1 when it is failing or cannot be reached.

        Examples:
          vigie status
          vigie status --url http://192.168.1.20:9108 --token-file ~/.config/vigie/token
        """
    )

    @Option(help: "The gateway's HTTP address.")
    var url = "http://127.0.0.1:9108"

    @Option(help: "A file holding the bearer token, when the gateway listens beyond loopback.")
    var tokenFile: String?

    func run() async throws {
        var token: String?
        if let tokenFile {
            switch CredentialFile.read(tokenFile) {
            case .success(let secret): token = secret
            case .failure(let failure): throw ValidationError("--token-file: \(failure.message)")
            }
        }
        let summary: [String]
        let failing: Bool
        do {
            let client = try StatusClient(url: url, token: token)
            let (snapshot, health) = try await client.fetch()
            summary = StatusSummary.lines(snapshot, health: health, color: isatty(STDOUT_FILENO) == 1)
            failing = health.status == .failing
        } catch {
            StandardError.print("vigie status: \(error.message)")
            throw ExitCode.failure
        }
        for line in summary { print(line) }
        if failing { throw ExitCode.failure }
    }
}
