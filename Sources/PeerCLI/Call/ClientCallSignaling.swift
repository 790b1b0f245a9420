import Signaling

/// `CallSignaling` over a `SignalingClient`: each request waits for its acknowledgement, and a refusal
/// (`{ok:false}`) becomes an error naming the request.
struct ClientCallSignaling: CallSignaling {
    let client: SignalingClient

    private func send(_ request: SignalingRequest) async throws {
        let ack = try await client.request(request)
        if case let .failure(error, message) = ack {
            throw SignalingClient.Failure(
                "the server refused \(request.eventName): \(error)" + (message.map { " (\($0))" } ?? ""))
        }
    }

    func call(_ to: String) async throws { try await send(.call(to: to)) }
    func accept(_ to: String) async throws { try await send(.accept(to: to)) }
    func reject(_ to: String, reason: String) async throws { try await send(.reject(to: to, reason: reason)) }
    func offer(_ to: String, sdp: String) async throws { try await send(.offer(to: to, sdp: sdp)) }
    func answer(_ to: String, sdp: String) async throws { try await send(.answer(to: to, sdp: sdp)) }
    func candidate(_ to: String, _ candidate: ICECandidateInit?) async throws {
        try await send(.candidate(to: to, candidate: candidate))
    }
    func hangup(_ to: String) async throws { try await send(.hangup(to: to)) }
}
