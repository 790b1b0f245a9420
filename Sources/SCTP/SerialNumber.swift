/// Serial number arithmetic (RFC 1982, as RFC 9260 §1.6 requires for TSNs and SSNs): values wrap, and `a`
/// precedes `b` when the forward distance from `a` to `b` is less than half the number space.
extension UInt32 {
    /// True when `self` comes before `other` in serial order.
    @inline(__always)
    func precedes(_ other: UInt32) -> Bool { Int32(bitPattern: self &- other) < 0 }

    /// True when `self` comes before or equals `other`.
    @inline(__always)
    func precedesOrEquals(_ other: UInt32) -> Bool { Int32(bitPattern: self &- other) <= 0 }
}

extension UInt16 {
    /// True when `self` comes before `other` in serial order.
    @inline(__always)
    func precedes(_ other: UInt16) -> Bool { Int16(bitPattern: self &- other) < 0 }
}
