/// Frames the write-ahead's batches (`BatchCodec` bytes) into fixed-size slots, rows of the
/// `batches` table rewritten in place: a commit overwrites the next slot(s) instead of adding a
/// row, so it dirties only the slot's page, never page 1, the free list or the tree above.
///
/// A slot is exactly `size` bytes: the fold cycle it belongs to (UInt32, little-endian), the
/// length of its piece (UInt16), a flag byte (1 when the piece ends its batch), the piece, zeros.
/// A batch longer than one slot continues in the next ones. Slots of an older cycle are stale.
enum WriteAheadSlots {
    /// Bytes of a slot: with 1 KB pages one slot fills one page (a cell can hold at most 989
    /// bytes there); with 4 KB pages four share a page.
    static let size = 960
    static let headerSize = 7
    static var pieceCapacity: Int { size - headerSize }

    /// The slots holding `batch` for `cycle`.
    static func slots(for batch: [UInt8], cycle: UInt32) -> [[UInt8]] {
        var slots: [[UInt8]] = []
        var start = 0
        repeat {
            let end = min(batch.count, start + pieceCapacity)
            var slot = [UInt8](repeating: 0, count: size)
            for shift in 0..<4 { slot[shift] = UInt8(truncatingIfNeeded: cycle >> UInt32(8 * shift)) }
            slot[4] = UInt8(truncatingIfNeeded: end - start)
            slot[5] = UInt8(truncatingIfNeeded: (end - start) >> 8)
            slot[6] = end == batch.count ? 1 : 0
            slot.replaceSubrange(headerSize..<(headerSize + end - start), with: batch[start..<end])
            slots.append(slot)
            start = end
        } while start < batch.count
        return slots
    }

    /// Reassembles batches from slots in slot order; stops at the first slot not of `cycle`
    /// (slots are filled from the first one in each cycle). A damaged slot is an error.
    struct Reader {
        let cycle: UInt32
        private var pending: [UInt8] = []
        private(set) var isFinished = false

        init(cycle: UInt32) { self.cycle = cycle }

        /// Takes the next slot; returns a complete batch when this slot ends one.
        mutating func take(_ slot: [UInt8]) throws(StoreError) -> [UInt8]? {
            guard !isFinished else { return nil }
            guard slot.count >= WriteAheadSlots.headerSize else { throw damaged() }
            var slotCycle: UInt32 = 0
            for shift in 0..<4 { slotCycle |= UInt32(slot[shift]) << UInt32(8 * shift) }
            guard slotCycle == cycle else {
                isFinished = true
                return nil
            }
            let length = Int(slot[4]) | Int(slot[5]) << 8
            guard WriteAheadSlots.headerSize + length <= slot.count, slot[6] <= 1 else { throw damaged() }
            pending += slot[WriteAheadSlots.headerSize..<(WriteAheadSlots.headerSize + length)]
            guard slot[6] == 1 else { return nil }
            defer { pending = [] }
            return pending
        }

        private func damaged() -> StoreError {
            StoreError(.badChunk, "A slot of the write-ahead of recent readings is damaged; export what remains and report it.")
        }
    }
}
