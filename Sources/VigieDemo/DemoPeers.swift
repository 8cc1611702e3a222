import FoundationEssentials
import Glibc
import Logging
import VigieCore
import VigieModbus
import VigieDaemon

/// The demo's peers: the Modbus simulator (TCP, and RTU through a socat pty pair when socat
/// is installed) and, when mosquitto is installed, the local broker and the hub's broker.
/// `stop()` (or releasing it) stops every child process.
package final class DemoPeers: @unchecked Sendable {
    // Unchecked: built and stopped by the runner; the driver task alone calls the rest.
    private(set) var tcp: ModbusSimulator?
    private(set) var rtu: ModbusSimulator?
    /// The simulator's Modbus TCP port (chosen before it starts, for the configuration).
    package let modbusPort = LoopbackPort.free()
    private let simulatorPath: String?
    package let socat: DemoProcess?
    package let local: DemoBroker?
    package let hub: DemoBroker?
    /// The gateway's end of the pty pair.
    package let rtuPath: String?
    /// What could not be started, said once at start-up (e.g. "mosquitto not installed").
    package let notes: [String]

    /// Starts socat and the brokers (the configuration needs their paths and ports).
    package init(dataDirectory: String, environmentPath: String?) throws(VigieDaemonError) {
        var notes: [String] = []
        var socat: DemoProcess?
        var rtuPath: String?
        var simulatorPath: String?
        if let executable = DemoProcess.find("socat", path: environmentPath) {
            let simulatorEnd = "\(dataDirectory)/rtu-simulateur", gatewayEnd = "\(dataDirectory)/rtu-gateway"
            unlink(simulatorEnd)
            unlink(gatewayEnd)
            let process = try DemoProcess(executable, ["-d", "-d", "pty,raw,echo=0,link=\(simulatorEnd)",
                                                       "pty,raw,echo=0,link=\(gatewayEnd)"],
                                          log: "\(dataDirectory)/socat.log")
            for _ in 0..<500 where access(simulatorEnd, F_OK) != 0 || access(gatewayEnd, F_OK) != 0 { usleep(10_000) }
            if access(gatewayEnd, F_OK) == 0 {
                socat = process
                rtuPath = gatewayEnd
                simulatorPath = simulatorEnd
            } else {
                process.stop()
                notes.append("socat started no pty pair: the heat meter is served over TCP")
            }
        } else {
            notes.append("socat not installed: every device is served over Modbus TCP")
        }
        if let executable = DemoProcess.find("mosquitto", path: environmentPath) {
            local = try DemoBroker(name: "mosquitto-local", executable: executable, directory: dataDirectory)
            hub = try DemoBroker(name: "mosquitto-hub", executable: executable, directory: dataDirectory)
        } else {
            local = nil
            hub = nil
            notes.append("mosquitto not installed: no room sensors, no hub; the outbox stays offline")
        }
        self.socat = socat
        self.rtuPath = rtuPath
        self.simulatorPath = simulatorPath
        self.notes = notes
    }

    /// Starts the Modbus simulators serving `devices` (points by device name).
    package func startSimulators(building: DemoBuilding, devices: [String: [PointDefinition]]) throws(VigieDaemonError) {
        let unit = { (name: String, id: Int) in building.unit(device: name, id: id, points: devices[name] ?? []) }
        let heat = unit(DemoBuilding.heatMeter, 3)
        var tcpUnits = [unit(DemoBuilding.mainMeter, 1), unit(DemoBuilding.subMeter, 2), unit(DemoBuilding.airSensor, 4)]
        do {
            if let simulatorPath {
                rtu = try ModbusSimulator.rtu(units: [heat], path: simulatorPath,
                                              line: SerialLine(port: simulatorPath, baud: 19200))
            } else {
                rtu = nil
                tcpUnits.append(heat)
            }
            tcp = try ModbusSimulator.tcp(units: tcpUnits, port: modbusPort)
        } catch {
            throw VigieDaemonError(.demo, "the Modbus simulator could not start", cause: error)
        }
    }

    /// Makes the heat meter stop answering (or answer again).
    package func setHeatMeterSilent(_ silent: Bool) {
        (rtu ?? tcp)?.setFault(silent ? .noAnswer : nil, unit: 3)
    }

    package func stop() {
        tcp?.stop()
        rtu?.stop()
        socat?.stop()
        local?.stop()
        hub?.stop()
    }

    deinit { stop() }
}
