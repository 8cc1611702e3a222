import Prometheus
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The daemon's own footprint, read from `/proc/self` at each scrape:
/// `vigie_process_resident_memory_bytes`, `vigie_process_cpu_seconds_total`,
/// `vigie_process_start_time_seconds`, `vigie_process_open_fds`.
public final class ProcessMetrics: Sendable {
    private let residentMemory: Gauge
    private let cpuSeconds: Counter
    private let openFileDescriptors: Gauge
    private let reportedCPU = Mutex<Double>(0)

    public init(registry: PrometheusCollectorRegistry, startedAt: Int64) {
        residentMemory = registry.makeGauge(descriptor: Self.name("resident_memory", "bytes", "Resident set size of the daemon."))
        cpuSeconds = registry.makeCounter(descriptor: Self.name("cpu", "seconds_total", "User and system CPU time used by the daemon."))
        openFileDescriptors = registry.makeGauge(descriptor: Self.name("open", "fds", "Open file descriptors."))
        registry.makeGauge(descriptor: Self.name("start_time", "seconds", "Start time of the daemon, Unix seconds."))
            .set(Double(startedAt) / 1000)
    }

    /// Reads `/proc/self` and updates the gauges; call just before rendering `/metrics`.
    public func update() {
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        if let statm = Self.readFile("/proc/self/statm"), let pages = Self.residentPages(statm: statm) {
            residentMemory.set(Double(pages) * pageSize)
        }
        if let stat = Self.readFile("/proc/self/stat"), let ticks = Self.cpuTicks(stat: stat) {
            let seconds = Double(ticks) / Double(sysconf(Int32(_SC_CLK_TCK)))
            let delta = reportedCPU.withLock { reported in
                defer { reported = max(reported, seconds) }
                return seconds - reported
            }
            if delta > 0 { cpuSeconds.increment(by: delta) }
        }
        if let directory = opendir("/proc/self/fd") {
            var count = 0
            while readdir(directory) != nil { count += 1 }
            closedir(directory)
            openFileDescriptors.set(Double(max(0, count - 3))) // minus ".", ".." and the directory's own fd
        }
    }

    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "vigie", subsystem: "process", metricName: metric, unitName: unit, helpText: help)
    }

    /// The second field of `/proc/self/statm`: resident pages.
    static func residentPages(statm: String) -> Int? {
        let fields = statm.split(separator: " ")
        return fields.count > 1 ? Int(fields[1]) : nil
    }

    /// utime + stime (fields 14 and 15) of `/proc/self/stat`, counted after the `)` closing the command name.
    static func cpuTicks(stat: String) -> Int? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After ")": field 3 (state) is index 0, so utime (14) is index 11 and stime (15) index 12.
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return user + system
    }

    private static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = read(fd, &buffer, buffer.count)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }
}
