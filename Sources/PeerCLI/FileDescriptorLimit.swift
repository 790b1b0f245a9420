import Foundation

/// Raises this process's limit of open files to its hard limit: a bot or load generator holds a UDP socket per
/// call (and `linkup load` a signaling connection per caller too), and the usual soft limit of 1024 would cap
/// them near 500 or 340 calls with a confusing error.
enum FileDescriptorLimit {
    /// Raises the soft limit to the hard one; returns the limit now in force.
    @discardableResult
    static func raiseToMaximum() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }
}
