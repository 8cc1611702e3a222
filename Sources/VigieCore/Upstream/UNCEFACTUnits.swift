/// UN/CEFACT Recommendation 20 common codes for SenML unit names: the `unitCode` of an NGSI-LD
/// Property (Smart Data Models use these codes: `KWH`, `WTT`, `CEL`...).
///
/// One table for every sink that needs a common code; a unit missing here is sent without a
/// `unitCode` (the value still arrives). Units are SenML's (RFC 8428 and RFC 8798 registries)
/// plus the few the device profiles use beyond them (`m3/h`, `kVAh`).
public enum UNCEFACTUnits {
    public static let codes: [String: String] = [
        // Electricity.
        "V": "VLT", "mV": "2Z", "A": "AMP", "mA": "4K", "W": "WTT", "kW": "KWT", "Wh": "WHR", "kWh": "KWH",
        "VA": "D46", "kVA": "KVA", "kVAh": "C79", "var": "D44", "kvar": "KVR", "kvarh": "K3", "Ah": "AMH",
        "Ohm": "OHM", "S": "SIE", "F": "FAR", "C": "COU", "J": "JOU", "Hz": "HTZ", "MHz": "MHZ",
        // Temperature, pressure, environment.
        "Cel": "CEL", "K": "KEL", "Pa": "PAL", "hPa": "A97", "bar": "BAR", "%RH": "P1", "ppm": "59",
        "lx": "LUX", "ug/m3": "GQ", "dB": "2N", "W/m2": "D54",
        // Ratios.
        "%": "P1", "/": "C62", "/100": "P1", "%EL": "P1",
        // Volume and flow.
        "m3": "MTQ", "l": "LTR", "m3/s": "MQS", "m3/h": "MQH", "l/s": "G51",
        // Length, speed, mass, time.
        "m": "MTR", "mm": "MMT", "cm": "CMT", "km": "KMT", "m/s": "MTS", "km/h": "KMH", "kg": "KGM", "g": "GRM",
        "s": "SEC", "ms": "C26", "min": "MIN", "h": "HUR", "rad": "C81", "m2": "MTK",
    ]

    /// The common code of a SenML unit, nil when vigie knows none.
    public static func code(for senmlUnit: String) -> String? { codes[senmlUnit] }
}
