import Testing
@testable import VigieDaemon

struct StatusClientTests {
    @Test func queryValuesArePercentEncodedByTheClient() {
        #expect(StatusClient.percentEncoded("a b/c&d=é~") == "a%20b%2Fc%26d%3D%C3%A9~")
    }
}
