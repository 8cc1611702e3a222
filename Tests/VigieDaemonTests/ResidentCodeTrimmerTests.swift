import Glibc
import Testing
@testable import VigieDaemon

@Suite struct ResidentCodeTrimmerTests {
    static let smaps = """
    55d0a0000000-55d0a0400000 r--p 00000000 fd:01 1234 /usr/bin/vigie
    Size:               4096 kB
    Anonymous:             0 kB
    Private_Dirty:         0 kB
    55d0a0400000-55d0a1000000 r-xp 00400000 fd:01 1234 /usr/bin/vigie
    Anonymous:             0 kB
    Private_Dirty:         0 kB
    55d0a1000000-55d0a1100000 r--p 01000000 fd:01 1234 /usr/bin/vigie
    Anonymous:           256 kB
    Private_Dirty:       256 kB
    55d0a1100000-55d0a1200000 rw-p 01100000 fd:01 1234 /usr/bin/vigie
    Anonymous:            64 kB
    7f0000000000-7f0000008000 rw-s 00000000 fd:01 99 /var/lib/vigie/vigie.db-shm
    Anonymous:             0 kB
    7f0000010000-7f0000020000 r--s 00000000 fd:01 98 /usr/share/some data file
    Anonymous:             0 kB
    7f0000020000-7f0000021000 r--p 00000000 00:05 7 /dev/zero
    Anonymous:             0 kB
    7ffd00000000-7ffd00002000 r-xp 00000000 00:00 0 [vdso]
    Anonymous:             0 kB
    """

    @Test func onlyPristinePrivateReadOnlyFileMappingsAreTrimmed() {
        let mappings = FileMapping.parse(Self.smaps)
        #expect(mappings.count == 8)
        #expect(mappings[0] == FileMapping(start: 0x55d0a0000000, end: 0x55d0a0400000, permissions: "r--p", path: "/usr/bin/vigie"))
        #expect(mappings[2].anonymousKilobytes == 256 && mappings[2].privateDirtyKilobytes == 256)
        #expect(mappings[5].path == "/usr/share/some data file")
        // Code and clean read-only data: yes. Relocated data, writable, shared, devices, the vDSO: no.
        #expect(mappings.map(\.isTrimmable) == [true, true, false, false, false, false, false, false])
    }

    @Test func garbledLinesAreSkipped() {
        #expect(FileMapping.parse("not a mapping\nAnonymous: 4 kB\nzz-yy r-xp 0 0 0 /x\n").isEmpty)
    }

    @Test func aTrimmedProcessRunsOnAndFaultsItsCodeBack() {
        let before = Self.residentKilobytes()
        let advised = ResidentCodeTrimmer.trim()
        let after = Self.residentKilobytes()
        #expect(advised > 0)
        #expect(after < before)
        // Code and constants are still there: this runs, allocates and compares strings.
        #expect(FileMapping.parse(Self.smaps).filter(\.isTrimmable).count == 2)
    }

    /// Resident pages of this process (`/proc/self/statm`, second field), in kB.
    static func residentKilobytes() -> Int {
        guard let file = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        guard fgets(&line, Int32(line.count), file) != nil else { return 0 }
        let fields = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self).split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * sysconf(Int32(_SC_PAGESIZE)) / 1_024
    }
}
