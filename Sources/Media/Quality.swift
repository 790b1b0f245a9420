#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Objective quality measures for the loopback test: PSNR for pictures and SNR for audio.
public enum Quality {
    /// The value reported for identical signals instead of infinity, so averages stay finite.
    public static let maximumDecibels = 99.0

    /// Luma PSNR in dB between a source picture and its decoded copy: 10 log10(255^2 / MSE) over the Y plane
    /// (the eye's main cue and the figure codecs usually quote), capped at `maximumDecibels`. Returns 0 when the
    /// sizes differ.
    public static func psnr(reference: VideoFrame, decoded: VideoFrame) -> Double {
        guard reference.width == decoded.width, reference.height == decoded.height else { return 0 }
        let error = squaredError(reference.y, reference.strideY, decoded.y, decoded.strideY,
            width: reference.width, rows: reference.height)
        return decibels(meanSquaredError: Double(error) / Double(reference.width * reference.height))
    }

    /// YUV PSNR in dB with the common 6:1:1 weighting of the Y, U and V planes' PSNRs, capped at
    /// `maximumDecibels`; 0 when the sizes differ.
    public static func psnrYUV(reference: VideoFrame, decoded: VideoFrame) -> Double {
        guard reference.width == decoded.width, reference.height == decoded.height else { return 0 }
        let cw = reference.chromaWidth
        let ch = reference.chromaHeight
        let errorU = squaredError(reference.u, reference.strideU, decoded.u, decoded.strideU, width: cw, rows: ch)
        let errorV = squaredError(reference.v, reference.strideV, decoded.v, decoded.strideV, width: cw, rows: ch)
        let chromaCount = Double(cw * ch)
        let y = psnr(reference: reference, decoded: decoded)
        let u = decibels(meanSquaredError: Double(errorU) / chromaCount)
        let v = decibels(meanSquaredError: Double(errorV) / chromaCount)
        return (6 * y + u + v) / 8
    }

    /// Audio SNR in dB of `decoded` against `reference` (both mono, or both interleaved with the same layout).
    ///
    /// A codec delays its output (Opus by 6.5 ms at 48 kHz), so `decoded` is first aligned: the lag within
    /// +/- `maxLag` samples (default 480, 10 ms at 48 kHz) with the largest cross-correlation wins, then
    /// SNR = 10 log10(sum ref^2 / sum (ref - dec)^2) over the overlapping samples at that lag. No gain is fitted,
    /// so level changes count as noise. Capped at `maximumDecibels`; 0 for empty or silent references.
    public static func snr(reference: [Int16], decoded: [Int16], maxLag: Int = 480) -> Double {
        guard !reference.isEmpty, !decoded.isEmpty else { return 0 }
        let lag = bestLag(reference: reference, decoded: decoded, maxLag: maxLag)
        var signal = 0.0
        var noise = 0.0
        reference.withUnsafeBufferPointer { ref in
            decoded.withUnsafeBufferPointer { dec in
                for index in max(0, -lag)..<min(ref.count, dec.count - lag) {
                    let r = Double(ref[index])
                    let d = Double(dec[index + lag])
                    signal += r * r
                    noise += (r - d) * (r - d)
                }
            }
        }
        guard signal > 0 else { return 0 }
        guard noise > 0 else { return maximumDecibels }
        return min(maximumDecibels, 10 * log10(signal / noise))
    }

    /// The lag (decoded index minus reference index) in -maxLag...maxLag with the largest cross-correlation.
    public static func bestLag(reference: [Int16], decoded: [Int16], maxLag: Int = 480) -> Int {
        var best = 0
        var bestScore = -Double.infinity
        reference.withUnsafeBufferPointer { ref in
            decoded.withUnsafeBufferPointer { dec in
                for lag in -maxLag...maxLag {
                    let start = max(0, -lag)
                    let end = min(ref.count, dec.count - lag)
                    guard end > start else { continue }
                    var score: Int64 = 0
                    for index in start..<end { score &+= Int64(ref[index]) * Int64(dec[index + lag]) }
                    // Normalise by overlap so long overlaps at small lags are not favoured just for their length.
                    let normalised = Double(score) / Double(end - start)
                    if normalised > bestScore {
                        bestScore = normalised
                        best = lag
                    }
                }
            }
        }
        return best
    }

    private static func decibels(meanSquaredError: Double) -> Double {
        guard meanSquaredError > 0 else { return maximumDecibels }
        return min(maximumDecibels, 10 * log10(255 * 255 / meanSquaredError))
    }

    private static func squaredError(
        _ a: [UInt8], _ strideA: Int, _ b: [UInt8], _ strideB: Int, width: Int, rows: Int
    ) -> Int {
        var total = 0
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                for row in 0..<rows {
                    let ra = row * strideA
                    let rb = row * strideB
                    for x in 0..<width {
                        let d = Int(pa[ra + x]) - Int(pb[rb + x])
                        total += d * d
                    }
                }
            }
        }
        return total
    }
}
