/// The data channels of a participant's calls: a `DataChannelSession` made for each leg before its offer or
/// answer (so the caller's `chat` channel is in its offer), finished when the leg ends, its summary kept.
actor DataChannelRegistry {
    /// A finished call's data channel summary.
    struct Result: Sendable {
        var remoteName: String
        var remoteID: String
        var summary: DataChannelSummary
    }

    private let plan: DataChannelPlan
    private let onEnd: @Sendable (Result) -> Void
    private var sessions: [String: DataChannelSession] = [:]
    private(set) var results: [Result] = []

    init(plan: DataChannelPlan, onEnd: @escaping @Sendable (Result) -> Void = { _ in }) {
        self.plan = plan
        self.onEnd = onEnd
    }

    /// `media`'s hooks with the data channels added: a session before the description, finished before the
    /// media (and before the peer closes).
    nonisolated func hooks(around media: CallRouter.MediaHooks) -> CallRouter.MediaHooks {
        CallRouter.MediaHooks(
            start: media.start,
            end: { leg, reason in
                await self.end(leg, reason: reason)
                await media.end(leg, reason)
            },
            prepare: { leg, offering in
                try await media.prepare(leg, offering)
                await self.prepare(leg, offering: offering)
            })
    }

    /// The session of the call with `remoteID`, while it lasts.
    func session(for remoteID: String) -> DataChannelSession? { sessions[remoteID] }

    /// File transfers in progress over every call.
    func transfersInFlight() async -> Int {
        var count = 0
        for session in sessions.values { count += await session.transfersInFlight }
        return count
    }

    private func prepare(_ leg: CallLeg, offering: Bool) async {
        let session = DataChannelSession(runtime: leg.runtime, remoteName: leg.remoteName, plan: plan)
        sessions[leg.remoteID] = session
        await leg.attach(data: session)
        if offering, plan.opensChat { await session.openChat() }
    }

    private func end(_ leg: CallLeg, reason: String) async {
        guard let session = sessions.removeValue(forKey: leg.remoteID) else { return }
        let result = Result(remoteName: leg.remoteName, remoteID: leg.remoteID,
                            summary: await session.finish(reason: reason))
        results.append(result)
        onEnd(result)
    }
}
