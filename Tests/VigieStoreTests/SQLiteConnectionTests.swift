import Testing
@testable import VigieStore
import VigieTestKit

@Suite struct SQLiteConnectionTests {
    @Test func errorsCarryTheSQLAndTheCodeButNeverTheBoundValues() throws {
        let directory = TemporaryDirectory()
        let connection = try SQLiteConnection(path: directory.path + "/t.db")
        try connection.execute("CREATE TABLE t(name TEXT NOT NULL UNIQUE)")
        let insert = try connection.statement("INSERT INTO t(name) VALUES (?)")
        insert.bind("secret-value", at: 1)
        try insert.step()
        let error = #expect(throws: StoreError.self) {
            let again = try connection.statement("INSERT INTO t(name) VALUES (?)")
            again.bind("secret-value", at: 1)
            try again.step()
        }
        #expect(error?.sql == "INSERT INTO t(name) VALUES (?)")
        #expect(error?.resultCode == 2067) // SQLITE_CONSTRAINT_UNIQUE
        #expect(error?.description.contains("secret-value") == false)
    }

    @Test func aTransactionRollsBackWhenItsBodyThrows() throws {
        let directory = TemporaryDirectory()
        let connection = try SQLiteConnection(path: directory.path + "/t.db")
        try connection.execute("CREATE TABLE t(x INTEGER)")
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try connection.transaction {
                try connection.execute("INSERT INTO t VALUES (1)")
                throw Stop()
            }
        }
        #expect(try connection.scalar("SELECT count(*) FROM t") == 0)
        try connection.transaction { try connection.execute("INSERT INTO t VALUES (1)") }
        #expect(try connection.scalar("SELECT count(*) FROM t") == 1)
    }
}
