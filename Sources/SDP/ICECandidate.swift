import Wire

/// The type of an ICE candidate (RFC 8445 §5.1.1): where its address comes from.
public struct ICECandidateType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The token after `typ`.
    public var rawValue: String
    /// Wraps a token; unknown ones are kept so they survive a round trip.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// An address of a local interface.
    public static let host = ICECandidateType(rawValue: "host")
    /// The address a STUN server saw (server reflexive).
    public static let serverReflexive = ICECandidateType(rawValue: "srflx")
    /// An address learned from a peer's connectivity check (peer reflexive).
    public static let peerReflexive = ICECandidateType(rawValue: "prflx")
    /// An address on a TURN server.
    public static let relay = ICECandidateType(rawValue: "relay")
    /// The token.
    public var description: String { rawValue }
}

/// An ICE candidate as SDP writes it, in `a=candidate` and in trickled `candidate:` strings (RFC 8839 §5.1).
///
/// ```
/// candidate-attribute = "candidate" ":" foundation SP component-id SP transport SP priority SP
///                       connection-address SP port SP "typ" SP cand-type
///                       [SP "raddr" SP connection-address] [SP "rport" SP port]
///                       *(SP extension-att-name SP extension-att-value)
/// a=candidate:188496474 1 udp 2122063615 192.0.2.2 55103 typ host generation 0 network-id 1
/// a=candidate:2 1 TCP 2105458943 ff03a5f0-b772-456f-9505-33bec63ec335.local 9 typ host tcptype active
/// ```
///
/// Extensions after the fixed fields (RFC 6544 `tcptype`, and `generation`, `ufrag`, `network-id`,
/// `network-cost` from browsers) are kept as name/value pairs in their original order.
public struct ICECandidate: SDPAttributeValue {
    /// `candidate`.
    public static let attributeName = "candidate"

    /// One `name value` extension pair.
    public struct Extension: Hashable, Sendable {
        /// The extension name, such as `generation`.
        public var name: String
        /// Its value.
        public var value: String
        /// The pair `name value`.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Groups candidates that share a base, type and server (RFC 8445 §5.1.1.3).
    public var foundation: String
    /// 1 for RTP (the only one with rtcp-mux), 2 for RTCP.
    public var component: UInt16
    /// `udp` or `tcp`, as written (browsers differ in case).
    public var transport: String
    /// The candidate's priority (RFC 8445 §5.1.2).
    public var priority: UInt32
    /// An IP address, or an mDNS `.local` host name that hides one (draft-ietf-mmusic-mdns-ice-candidates).
    public var address: String
    /// The port; 9 for active TCP candidates, which never listen.
    public var port: UInt16
    /// The candidate type.
    public var type: ICECandidateType
    /// The related address (`raddr`): the base of a reflexive or relayed candidate.
    public var relatedAddress: String?
    /// The related port (`rport`).
    public var relatedPort: UInt16?
    /// Further name/value pairs in their original order.
    public var extensions: [Extension]

    /// A candidate with the given fields.
    public init(foundation: String, component: UInt16 = 1, transport: String = "udp", priority: UInt32,
                address: String, port: UInt16, type: ICECandidateType, relatedAddress: String? = nil,
                relatedPort: UInt16? = nil, extensions: [Extension] = []) {
        self.foundation = foundation
        self.component = component
        self.transport = transport
        self.priority = priority
        self.address = address
        self.port = port
        self.type = type
        self.relatedAddress = relatedAddress
        self.relatedPort = relatedPort
        self.extensions = extensions
    }

    /// Parses a candidate written as an attribute value (`188496474 1 udp ...`), as a trickled candidate string
    /// (`candidate:188496474 1 udp ...`), or as a whole line (`a=candidate:...`).
    public init(parsing text: String) throws(SDPError) {
        var value = text
        for prefix in ["a=", "candidate:"] where value.utf8.starts(with: prefix.utf8) {
            value = String(decoding: value.utf8.dropFirst(prefix.utf8.count), as: UTF8.self)
        }
        do {
            try self.init(parsingValue: value)
        } catch {
            throw SDPError(text: text, reason: .badCandidate)
        }
    }

    /// Parses exactly the text after `candidate:`.
    init(parsingValue value: String) throws(SDPError) {
        let fields = SDPText.fields(value)
        let bad = SDPError(text: value, reason: .badCandidate)
        guard fields.count >= 8, fields[6] == "typ",
              let component = SDPText.decimal(fields[1], as: UInt16.self),
              let priority = SDPText.decimal(fields[3], as: UInt32.self),
              let port = SDPText.decimal(fields[5], as: UInt16.self) else { throw bad }
        var index = 8
        var relatedAddress: String?
        var relatedPort: UInt16?
        if index + 1 < fields.count, fields[index] == "raddr" {
            relatedAddress = fields[index + 1]
            index += 2
        }
        if index + 1 < fields.count, fields[index] == "rport" {
            guard let parsed = SDPText.decimal(fields[index + 1], as: UInt16.self) else { throw bad }
            relatedPort = parsed
            index += 2
        }
        guard (fields.count - index) % 2 == 0 else { throw bad }
        var extensions = [Extension]()
        while index < fields.count {
            extensions.append(Extension(name: fields[index], value: fields[index + 1]))
            index += 2
        }
        self.init(foundation: fields[0], component: component, transport: fields[2], priority: priority,
                  address: fields[4], port: port, type: ICECandidateType(rawValue: fields[7]),
                  relatedAddress: relatedAddress, relatedPort: relatedPort, extensions: extensions)
    }

    /// The text after `candidate:`.
    public var attributeValue: String {
        var parts = [foundation, "\(component)", transport, "\(priority)", address, "\(port)", "typ", type.rawValue]
        if let relatedAddress { parts += ["raddr", relatedAddress] }
        if let relatedPort { parts += ["rport", "\(relatedPort)"] }
        for item in extensions { parts += [item.name, item.value] }
        return parts.joined(separator: " ")
    }

    /// The form used by trickle ICE and `RTCIceCandidate.candidate`: `candidate:...`.
    public var candidateString: String { "candidate:" + attributeValue }

    /// The address as an IP address, nil for an mDNS host name.
    public var ipAddress: IPAddress? { IPAddress(address) }

    /// The transport address, nil for an mDNS host name.
    public var transportAddress: TransportAddress? { ipAddress.map { TransportAddress(ip: $0, port: port) } }

    /// True when the address is an mDNS name (`<uuid>.local`) that must be resolved before use.
    public var isMDNS: Bool { address.lowercased().hasSuffix(".local") }

    /// True for UDP candidates.
    public var isUDP: Bool { transport.lowercased() == "udp" }

    /// The value of the first extension called `name`.
    public func extensionValue(_ name: String) -> String? { extensions.first { $0.name == name }?.value }

    /// The TCP candidate type of RFC 6544 §4.5: `active`, `passive` or `so`. Setting it edits the `tcptype`
    /// extension in place, or appends one.
    public var tcpType: String? {
        get { extensionValue("tcptype") }
        set { setExtension("tcptype", to: newValue) }
    }

    /// The candidate's ICE generation (a browser extension), when given.
    public var generation: UInt32? { extensionValue("generation").flatMap { SDPText.decimal($0, as: UInt32.self) } }

    /// The ICE username fragment the candidate belongs to (a browser extension), when given.
    public var usernameFragment: String? { extensionValue("ufrag") }

    /// Sets, replaces or (with nil) removes the extension called `name`, keeping the others in order.
    public mutating func setExtension(_ name: String, to value: String?) {
        if let index = extensions.firstIndex(where: { $0.name == name }) {
            if let value { extensions[index].value = value } else { extensions.remove(at: index) }
        } else if let value {
            extensions.append(Extension(name: name, value: value))
        }
    }
}
