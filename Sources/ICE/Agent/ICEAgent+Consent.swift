import Wire

/// Consent freshness (RFC 7675): the selected pair is checked every few seconds; without a response for 30 seconds
/// the peer has withdrawn consent (or is gone) and the agent must stop sending and fail.
extension ICEAgent {
    mutating func runConsent(now: Instant) {
        guard let selectedPair, let lastConsentResponse else { return }
        if now >= lastConsentResponse + configuration.consentTimeout {
            fail("consent lost: no response from \(selectedPair.remote.address) for " +
                 "\(configuration.consentTimeout) (RFC 7675)")
            return
        }
        // While the checks of an ICE restart run (checking), the restart is the repair already under way.
        let unanswered = oldestUnansweredConsent.map { now >= $0 + configuration.consentUnansweredTimeout } ?? false
        if now >= lastConsentResponse + configuration.disconnectedTimeout || unanswered,
           state == .connected || state == .completed {
            setState(.disconnected)
        }
        if let nextConsentAt, now >= nextConsentAt {
            sendCheck(on: selectedPair, useCandidate: false, isConsent: true, now: now)
            scheduleConsent(after: now)
        }
    }

    /// The next consent check goes out after the interval randomized to 0.8...1.2 of itself (RFC 7675 §5.1).
    mutating func scheduleConsent(after now: Instant) {
        let factor = Double.random(in: 0.8...1.2, using: &random)
        nextConsentAt = now + configuration.consentInterval * factor
    }
}
