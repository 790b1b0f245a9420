import COpenSSL
import Wire

/// What OpenSSL's C callbacks need from one endpoint: the datagram waiting to be read and the retransmission timer
/// as seen on the injected clock.
///
/// ## Why the timer is mirrored here
///
/// OpenSSL 3.0 keeps the DTLS retransmission deadline as a wall-clock `timeval` (`gettimeofday`) inside the SSL
/// object and retransmits only when that wall-clock deadline has passed. A sans-IO core must run on the injected
/// `now` instead (tests jump a virtual clock forward by seconds in microseconds of real time), so the schedule is
/// kept here and OpenSSL's own clock is neutralised:
///
/// - `DTLS_set_timer_cb` (OpenSSL 1.1.1+) hands every timer duration decision to `nextDuration`: the first
///   timeout of a flight is `initialTimeout` (RFC 6347 §4.2.4.1 suggests 1 s), each expiry doubles it up to 60 s.
///   OpenSSL itself is told one hour, so its wall clock never expires a timer on its own -- in particular
///   `SSL_do_handshake` never retransmits spontaneously while reading.
/// - Every time OpenSSL starts, restarts or stops the timer it announces the new wall-clock deadline to its read BIO
///   with `BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT` (the hook `BIO_s_datagram` uses for socket timeouts). Our read BIO
///   receives it, so the virtual deadline becomes `lastNow + duration` (or nil when the timer stopped), where
///   `lastNow` is the `now` of the input being processed.
/// - When the virtual deadline has passed, `handleTimeout(now:)` marks OpenSSL's timer as already expired (the
///   control passes a pointer to OpenSSL's own `timeval`; setting it to a past instant is exactly what the passage
///   of an hour would do) and then calls `DTLSv1_handle_timeout`, which retransmits the flight with fresh record
///   sequence numbers and restarts the timer through the two hooks above.
///
/// `DTLSv1_get_timeout` is still consulted to learn whether OpenSSL's timer runs at all.
final class DTLSTimerBridge {
    /// The datagram OpenSSL reads next; one at a time so that a read never spans two datagrams.
    var pendingDatagram: [UInt8]?
    /// OpenSSL's deadline `timeval`, as last announced to the read BIO.
    var openSSLDeadline: UnsafeMutablePointer<timeval>?
    /// The `now` of the input being processed: the clock every virtual deadline is measured from.
    var lastNow: Instant = .zero
    /// The duration the timer runs for, on the virtual clock.
    var virtualDuration: Duration
    /// When the running timer expires on the virtual clock; nil when no timer runs.
    var deadline: Instant?
    /// The first timeout of each flight.
    let initialTimeout: Duration
    /// The cap of the exponential back-off (RFC 6347 §4.2.4.1: "at least ... 60 seconds").
    static let maximumTimeout: Duration = .seconds(60)
    /// What OpenSSL is told, in microseconds: long enough never to expire by wall clock during a handshake.
    static let openSSLDurationMicroseconds: UInt32 = 3_600_000_000

    init(initialTimeout: Duration) {
        self.initialTimeout = initialTimeout
        virtualDuration = initialTimeout
    }

    /// The timer callback's decision: `previous == 0` means a new flight, anything else an expiry.
    func nextDuration(previousMicroseconds: UInt32) -> UInt32 {
        if previousMicroseconds == 0 {
            virtualDuration = initialTimeout
        } else {
            virtualDuration = min(virtualDuration * 2, Self.maximumTimeout)
        }
        return Self.openSSLDurationMicroseconds
    }

    /// OpenSSL (re)started or stopped its timer.
    func timerChanged(_ pointer: UnsafeMutablePointer<timeval>) {
        openSSLDeadline = pointer
        let stopped = pointer.pointee.tv_sec == 0 && pointer.pointee.tv_usec == 0
        deadline = stopped ? nil : lastNow + virtualDuration
    }

    /// Makes OpenSSL's running timer read as expired, just before `DTLSv1_handle_timeout`.
    func expireOpenSSLTimer() {
        guard let pointer = openSSLDeadline, pointer.pointee.tv_sec != 0 || pointer.pointee.tv_usec != 0 else { return }
        // One second after the epoch: non-zero (a zero timeval means "no timer") and long past.
        pointer.pointee = timeval(tv_sec: 1, tv_usec: 0)
    }

    /// The bridge behind an SSL object or BIO's opaque user pointer.
    static func from(_ pointer: UnsafeMutableRawPointer?) -> DTLSTimerBridge? {
        guard let pointer else { return nil }
        return Unmanaged<DTLSTimerBridge>.fromOpaque(pointer).takeUnretainedValue()
    }
}

/// The read side BIO: hands OpenSSL exactly one received datagram per read, says "retry" when there is none, and
/// forwards the timer announcements to the bridge. OpenSSL memory BIOs cannot do the first (they concatenate
/// writes) nor the last (they ignore datagram controls).
enum DatagramReadBIO {
    /// The method table, created once for the process; OpenSSL only reads it after creation.
    nonisolated(unsafe) static let method: OpaquePointer? = makeMethod()

    /// A new BIO whose user pointer is `bridge` (unretained: the endpoint owns both and outlives the SSL's BIOs).
    static func make(bridge: DTLSTimerBridge) -> OpaquePointer? {
        guard let method, let bio = BIO_new(method) else { return nil }
        BIO_set_data(bio, Unmanaged.passUnretained(bridge).toOpaque())
        return bio
    }

    // BIO_FLAGS_READ | BIO_FLAGS_WRITE | BIO_FLAGS_IO_SPECIAL | BIO_FLAGS_SHOULD_RETRY (composite macros).
    private static let retryFlags: Int32 = 0x0F

    private static func makeMethod() -> OpaquePointer? {
        guard let method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "linkup-datagram-read") else {
            return nil
        }
        _ = BIO_meth_set_create(method) { bio in
            BIO_set_init(bio, 1)
            return 1
        }
        _ = BIO_meth_set_read(method) { bio, buffer, size in
            BIO_clear_flags(bio, DatagramReadBIO.retryFlags)
            guard let bridge = DTLSTimerBridge.from(BIO_get_data(bio)), let datagram = bridge.pendingDatagram,
                let buffer, size > 0
            else {
                BIO_set_flags(bio, Int32(BIO_FLAGS_READ) | Int32(BIO_FLAGS_SHOULD_RETRY))
                return -1
            }
            bridge.pendingDatagram = nil
            // A datagram larger than OpenSSL's buffer is truncated, as a datagram socket would; DTLS drops it.
            let count = min(Int(size), datagram.count)
            datagram.withUnsafeBytes { source in
                UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress!, byteCount: count)
            }
            return Int32(count)
        }
        _ = BIO_meth_set_write(method) { _, _, _ in -1 }  // Nothing is written to the read side.
        _ = BIO_meth_set_ctrl(method) { bio, command, _, argument in
            let bridge = DTLSTimerBridge.from(BIO_get_data(bio))
            switch command {
            case BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT:
                if let bridge, let argument { bridge.timerChanged(argument.assumingMemoryBound(to: timeval.self)) }
                return 1
            case BIO_CTRL_PENDING:
                return bridge?.pendingDatagram.map { $0.count } ?? 0
            case BIO_CTRL_FLUSH:
                return 1
            default:
                return 0
            }
        }
        return method
    }
}
