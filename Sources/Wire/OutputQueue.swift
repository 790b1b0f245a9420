/// The queue behind a sans-IO machine's `pollOutput()`: outputs are appended as inputs are handled and drained in
/// order by the owner. Storage is kept between drains, so steady traffic does not reallocate it.
public struct OutputQueue<Element> {
    private var items: [Element] = []
    private var head = 0

    /// An empty queue.
    public init() {}

    /// Appends one output.
    public mutating func append(_ element: Element) { items.append(element) }

    /// The oldest output not yet taken; nil (and the storage reset for reuse) when drained.
    public mutating func next() -> Element? {
        guard head < items.count else {
            items.removeAll(keepingCapacity: true)
            head = 0
            return nil
        }
        defer { head += 1 }
        return items[head]
    }

    /// True when nothing is waiting.
    public var isEmpty: Bool { head >= items.count }
}

extension OutputQueue: Sendable where Element: Sendable {}
