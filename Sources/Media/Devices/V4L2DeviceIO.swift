/// What waiting for a filled buffer came to.
enum V4L2PollResult: Equatable {
    /// A buffer can be dequeued.
    case ready
    /// The wait ended with nothing to dequeue.
    case timedOut
    /// A signal interrupted the wait; wait again.
    case interrupted
    /// The wait failed (errno), e.g. ENODEV when the camera was unplugged.
    case failed(Int32)
}

/// The calls `V4L2Camera` and `V4L2FormatEnumerator` make on a device node: on a real one through libv4l2
/// (`V4L2Handle`), and on a simulated driver in tests, so negotiation and the buffer cycle are exercised without a
/// camera.
protocol V4L2DeviceIO: AnyObject {
    /// The node's path, for error messages.
    var path: String { get }
    /// One ioctl with a pointer argument: 0 on success, errno on failure (EINTR is retried inside).
    func ioctl(_ request: UInt, _ argument: UnsafeMutableRawPointer) -> Int32
    /// Maps the driver buffer at `offset` (the `m.offset` VIDIOC_QUERYBUF gave) of `length` bytes.
    func map(length: Int, offset: Int64) throws(DeviceError) -> UnsafeMutableRawBufferPointer
    /// Unmaps a buffer `map` returned.
    func unmap(_ buffer: UnsafeMutableRawBufferPointer)
    /// Waits up to `milliseconds` (-1: without limit) until a filled buffer can be dequeued.
    func poll(milliseconds: Int32) -> V4L2PollResult
    /// Closes the node.
    func close()
}

extension V4L2DeviceIO {
    /// `ioctl` over any C struct or integer argument.
    func ioctl<T>(_ request: UInt, _ argument: inout T) -> Int32 {
        withUnsafeMutableBytes(of: &argument) { ioctl(request, $0.baseAddress!) }
    }

    /// Like `ioctl` but throws `DeviceError.system` naming `operation` on failure.
    func check<T>(_ request: UInt, _ argument: inout T, _ operation: String) throws(DeviceError) {
        let code = ioctl(request, &argument)
        if code != 0 { throw V4L2Handle.systemError(path: path, operation: operation, code: code) }
    }
}
