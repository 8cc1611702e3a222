/// What vigie knows of SenML unit names.
public enum SenMLUnits {
    /// The secondary units of RFC 8798 (IANA "SenML Secondary Units"): a pack using one of them
    /// must say `bver` 26 (RFC 9100: base version 10 plus the secondary-units feature, bit 4).
    public static let secondary: Set<String> = [
        "ms", "min", "h", "MHz", "kW", "kVA", "kvar", "Ah", "Wh", "kWh", "varh", "kvarh", "kVAh",
        "Wh/km", "KiB", "GB", "Mbit/s", "B/s", "MB/s", "mV", "mA", "dBm", "ug/m3", "mm/h", "m/h",
        "ppm", "/100", "/1000", "hPa", "mm", "cm", "km", "km/h",
    ]

    /// The SenML version a pack using `units` must announce: 26 with a secondary unit, nil
    /// (the default, 10) otherwise.
    public static func packVersion(units: some Sequence<String>) -> Int64? {
        units.contains(where: secondary.contains) ? 26 : nil
    }

    /// `text` made fit for a SenML name: characters outside `A-Z a-z 0-9 - : . / _` become `_`
    /// (RFC 8428 section 4.5.1), and a name must start with a letter or digit.
    public static func nameComponent(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", ":", ".", "/", "_": result.unicodeScalars.append(scalar)
            default: result += "_"
            }
        }
        return result
    }
}
