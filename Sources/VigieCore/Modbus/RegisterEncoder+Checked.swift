extension RegisterEncoder {
    /// The words that make `point` read `value`, refused (`out_of_range`) when its raw value does
    /// not fit the point's type, instead of being clamped like the simulator's `words(forReading:)`.
    ///
    /// The raw value is `(value - offset) / scale`, rounded to the nearest integer for integer
    /// types (a value between two raw steps is written as the nearer one, and the read-back is
    /// within half a raw step of it), checked against the type's range, then laid out in the
    /// point's type and word order.
    public static func checkedWords(for value: Double, point: PointDefinition) -> Result<[UInt16], CommandRefusal> {
        guard value.isFinite else { return .failure(CommandRefusal(.badRequest, "\(value) is not a finite number")) }
        guard point.scale != 0 else {
            return .failure(CommandRefusal(.notWritable, "point \(point.name) has scale 0: no raw value gives \(value)"))
        }
        let raw = (value - point.offset) / point.scale
        let range: ClosedRange<Double>? = switch point.type {
        case .bool: 0...1
        case .int16: Double(Int16.min)...Double(Int16.max)
        case .uint16: 0...Double(UInt16.max)
        case .int32: Double(Int32.min)...Double(Int32.max)
        case .uint32: 0...Double(UInt32.max)
        case .int64: -9_223_372_036_854_775_808...9_223_372_036_854_774_784
        case .uint64: 0...18_446_744_073_709_549_568
        case .float32: -Double(Float.greatestFiniteMagnitude)...Double(Float.greatestFiniteMagnitude)
        case .bits(let field): 0...Double((UInt64(1) << UInt64(field.width)) - 1)
        case .float64, .string: nil
        }
        if case .string = point.type {
            return .failure(CommandRefusal(.notWritable, "point \(point.name) is a string"))
        }
        let isFloat = point.type == .float32 || point.type == .float64
        let rounded = isFloat ? raw : raw.rounded()
        if let range, !range.contains(rounded) {
            let shown = JSONWriter.format(value) ?? "\(value)"
            return .failure(CommandRefusal(.outOfRange, "\(shown) needs the raw value \(JSONWriter.format(rounded) ?? "\(rounded)"), "
                                           + "outside what \(point.type) holds"))
        }
        return .success(words(rounded, type: point.type, order: point.order))
    }

    /// The value change of one raw step near `value`: how far a read-back may be from it.
    ///
    /// One integer for integer types (times the scale); for floats, the spacing of the type near
    /// the raw value, so a float32 setpoint of 222.2 read back as 222.19999 matches.
    public static func rawStep(of point: PointDefinition, near value: Double) -> Double {
        let raw = (value - point.offset) / point.scale
        let step: Double = switch point.type {
        case .float32: Double(Float(raw).ulp)
        case .float64: raw.ulp
        default: 1
        }
        return abs(step * point.scale)
    }
}
