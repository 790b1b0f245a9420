/// `base` raised to `exponent` for positive bases, without Foundation (the module stays free of it): the
/// multiplicative increase of draft-ietf-rmcat-gcc-02 §5.5 scales a per-second factor by fractions of a second.
func power(_ base: Double, _ exponent: Double) -> Double {
    guard base > 0 else { return 0 }
    return exponential(exponent * naturalLog(base))
}

/// ln(x) for x > 0: split off the binary exponent, then 2·atanh((m−1)/(m+1)) for the significand in [1, 2).
func naturalLog(_ value: Double) -> Double {
    let ln2 = 0.693_147_180_559_945_3
    let significand = value.significand
    let y = (significand - 1) / (significand + 1)
    let ySquared = y * y
    var term = y
    var sum = 0.0
    var index = 1.0
    while index < 60 {
        sum += term / index
        term *= ySquared
        index += 2
    }
    return 2 * sum + Double(value.exponent) * ln2
}

/// e^x: Taylor series on x / 2^k, squared back k times.
func exponential(_ value: Double) -> Double {
    var reduced = value
    var squarings = 0
    while abs(reduced) > 0.125, squarings < 64 {
        reduced /= 2
        squarings += 1
    }
    var term = 1.0
    var sum = 1.0
    for index in 1..<20 {
        term *= reduced / Double(index)
        sum += term
    }
    for _ in 0..<squarings { sum *= sum }
    return sum
}
