/// Merges chunks that arrive by increasing first time into one stream by increasing time.
///
/// A point is released once no chunk yet to come can hold an earlier one, i.e. once its time is
/// below the next chunk's first time; memory is bounded by the chunks that overlap in time.
struct TimeOrderedMerge<Tag> {
    struct Item {
        var time: Int64
        var order: Int
        var tag: Tag
        var point: ChunkCodec.Point
    }

    private var heap: [Item] = []
    private var counter = 0

    mutating func push(_ points: [ChunkCodec.Point], tag: Tag) {
        for point in points {
            heap.append(Item(time: point.time, order: counter, tag: tag, point: point))
            counter += 1
            siftUp(heap.count - 1)
        }
    }

    /// Pops every point earlier than `bound` (all of them when nil), in order.
    mutating func release(before bound: Int64?, _ body: (Tag, ChunkCodec.Point) throws -> Void) rethrows {
        while let first = heap.first, bound.map({ first.time < $0 }) ?? true {
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                siftDown(0)
            }
            try body(first.tag, first.point)
        }
    }

    private func less(_ a: Int, _ b: Int) -> Bool {
        (heap[a].time, heap[a].order) < (heap[b].time, heap[b].order)
    }

    private mutating func siftUp(_ index: Int) {
        var child = index
        while child > 0 {
            let parent = (child - 1) / 2
            guard less(child, parent) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var parent = index
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, less(left, smallest) { smallest = left }
            if right < heap.count, less(right, smallest) { smallest = right }
            guard smallest != parent else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
