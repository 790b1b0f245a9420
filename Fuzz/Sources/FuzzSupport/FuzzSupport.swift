import CFuzzDriver
#if canImport(Glibc)
import Glibc
#endif

/// The body under test; libFuzzer's C callback cannot capture, so it reads this once-set global.
/// Written once before the driver starts and only read after, on libFuzzer's single thread.
nonisolated(unsafe) private var fuzzBody: (([UInt8]) -> Void)?

/// Runs libFuzzer with `body` as the entry point and exits with the driver's status. `body` receives each input as
/// bytes; it must never trap, whatever the input (ARCHITECTURE.md, house rule 1).
public func runFuzzer(_ body: @escaping ([UInt8]) -> Void) -> Never {
    fuzzBody = body
    var count = CommandLine.argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    let status = LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        let bytes = (data == nil || size == 0) ? [] : Array(UnsafeBufferPointer(start: data, count: size))
        fuzzBody?(bytes)
        return 0
    }
    exit(status)
}
