/// The members of one SenML record that vigie reads, found in one pass over the record.
///
/// Each field is the first member with its key (as `JSONValue`'s subscript would find it);
/// `mustUnderstand` is the first key ending in `_` (RFC 8428 §4.4). Keys are told apart by
/// their bytes: this runs for every record of every pack.
struct SenMLRecord {
    var bn: JSONValue?, bt: JSONValue?, bu: JSONValue?, bv: JSONValue?, bs: JSONValue?
    var n: JSONValue?, u: JSONValue?, t: JSONValue?, v: JSONValue?, s: JSONValue?
    var mustUnderstand: String?

    init(_ members: [JSONMember]) {
        for member in members {
            let key = member.key.utf8
            guard let first = key.first else { continue }
            if key.last == UInt8(ascii: "_") {
                if mustUnderstand == nil { mustUnderstand = member.key }
                continue
            }
            if key.count == 1 {
                switch first {
                case UInt8(ascii: "n"): if n == nil { n = member.value }
                case UInt8(ascii: "u"): if u == nil { u = member.value }
                case UInt8(ascii: "t"): if t == nil { t = member.value }
                case UInt8(ascii: "v"): if v == nil { v = member.value }
                case UInt8(ascii: "s"): if s == nil { s = member.value }
                default: break
                }
            } else if key.count == 2, first == UInt8(ascii: "b") {
                switch key[key.index(after: key.startIndex)] {
                case UInt8(ascii: "n"): if bn == nil { bn = member.value }
                case UInt8(ascii: "t"): if bt == nil { bt = member.value }
                case UInt8(ascii: "u"): if bu == nil { bu = member.value }
                case UInt8(ascii: "v"): if bv == nil { bv = member.value }
                case UInt8(ascii: "s"): if bs == nil { bs = member.value }
                default: break
                }
            }
        }
    }
}
