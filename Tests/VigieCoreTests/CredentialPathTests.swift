import Testing
import VigieCore

@Suite struct CredentialPathTests {
    let environment = ["CREDENTIALS_DIRECTORY": "/run/credentials/vigie.service", "HOME": "/root"]

    @Test func bothSpellingsExpand() {
        #expect(CredentialPath.resolve("$CREDENTIALS_DIRECTORY/hub-password", environment: environment)
            == "/run/credentials/vigie.service/hub-password")
        #expect(CredentialPath.resolve("${CREDENTIALS_DIRECTORY}/http-token", environment: environment)
            == "/run/credentials/vigie.service/http-token")
    }

    @Test func plainPathsAndOtherVariablesAreLeftAlone() {
        #expect(CredentialPath.resolve("/etc/vigie/hub-token", environment: environment) == "/etc/vigie/hub-token")
        #expect(CredentialPath.resolve("$HOME/token", environment: environment) == "$HOME/token")
        #expect(!CredentialPath.namesCredential("/etc/vigie/hub-token"))
    }

    @Test func anUnsetDirectoryIsReportedNotGuessed() {
        #expect(CredentialPath.resolve("$CREDENTIALS_DIRECTORY/hub-password", environment: [:]) == nil)
        #expect(CredentialPath.resolve("${CREDENTIALS_DIRECTORY}/x", environment: ["CREDENTIALS_DIRECTORY": ""]) == nil)
        #expect(CredentialPath.namesCredential("${CREDENTIALS_DIRECTORY}/x"))
    }
}
