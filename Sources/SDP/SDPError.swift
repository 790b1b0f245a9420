/// Why a session description, or one of its fields, could not be read.
///
/// Parsing a whole description reports the 1-based line number and the line's text; parsing a single field (an
/// `ICECandidate` from a trickle message, say) reports no line and the field's text.
public struct SDPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong, as a small closed set a caller can switch over.
    public enum Reason: Equatable, Sendable {
        /// The text has no lines at all.
        case empty
        /// The first line is not `v=`.
        case missingVersion
        /// `v=` carries something other than 0, the only SDP version (RFC 8866 §5.1).
        case unsupportedVersion
        /// A line does not start with a lower-case type letter.
        case badLineType
        /// The type letter is not followed by `=`.
        case missingEquals
        /// An empty line in the middle of the description.
        case emptyLine
        /// A NUL or a carriage return that does not end the line.
        case badCharacter
        /// The second line is not `o=`.
        case missingOrigin
        /// The third line is not `s=`.
        case missingSessionName
        /// No `t=` line before the first media section (or the end).
        case missingTiming
        /// A line type that is not allowed where it stands (a second `o=`, a `t=` inside a media section).
        case misplacedLine
        /// `o=` does not have its six fields.
        case badOrigin
        /// `t=` does not have two numbers.
        case badTiming
        /// `c=` does not have its three fields.
        case badConnection
        /// `b=` is not `<type>:<number>`.
        case badBandwidth
        /// `m=` lacks a port, a protocol or formats.
        case badMediaLine
        /// The `m=` port (or port count) is not a number from 0 to 65535.
        case badPort
        /// `a=` has no attribute name.
        case badAttribute
        /// `a=rtpmap` lacks a payload type, an encoding name or a clock rate.
        case badRTPMap
        /// `a=fmtp` lacks a format or parameters.
        case badFormatParameters
        /// `a=rtcp-fb` lacks a payload type or a feedback type.
        case badFeedback
        /// `a=extmap` lacks an id or a URI, or has a bad direction.
        case badExtensionMap
        /// `a=ssrc` lacks a numeric SSRC or an attribute.
        case badSSRC
        /// `a=ssrc-group` lacks semantics or numeric SSRCs.
        case badSSRCGroup
        /// `a=group` lacks semantics.
        case badGroup
        /// `a=msid` is not one or two identifiers.
        case badMSID
        /// `a=msid-semantic` lacks semantics.
        case badMsidSemantic
        /// `a=mid` is empty or contains a space.
        case badMid
        /// `a=fingerprint` lacks a hash function or its bytes are not colon-separated hex pairs.
        case badFingerprint
        /// `a=setup` is not active, passive, actpass or holdconn.
        case badSetup
        /// `a=candidate` does not follow RFC 8839 §5.1.
        case badCandidate
        /// `a=rtcp` is not a port optionally followed by a connection address.
        case badRTCP
        /// `a=ice-ufrag` or `a=ice-pwd` is empty or contains a space.
        case badICECredential
        /// A field that must be a decimal number is not one.
        case badNumber
    }

    /// The 1-based line number, or nil when a single field was parsed on its own.
    public var line: Int?
    /// The offending line (or field) as written.
    public var text: String
    /// What is wrong with it.
    public var reason: Reason

    /// An error about `text`, on `line` when known.
    public init(line: Int? = nil, text: String, reason: Reason) {
        self.line = line
        self.text = text
        self.reason = reason
    }

    /// A sentence for people: `line 7 "m=video": media line needs port, proto and formats`.
    public var description: String {
        // Long lines (a 2 kB fmtp) would drown the message, so quote only their start.
        let scalars = text.unicodeScalars
        let quoted = scalars.count > 80 ? String(String.UnicodeScalarView(scalars.prefix(77))) + "..." : text
        if let line { return "line \(line) \"\(quoted)\": \(message)" }
        return "\"\(quoted)\": \(message)"
    }

    /// What is wrong, without the location.
    public var message: String {
        switch reason {
        case .empty: "the session description is empty"
        case .missingVersion: "the first line must be v=0"
        case .unsupportedVersion: "only SDP version 0 exists"
        case .badLineType: "a line must start with a lower-case type letter"
        case .missingEquals: "the type letter must be followed by '='"
        case .emptyLine: "empty line inside the session description"
        case .badCharacter: "the line contains a NUL or a stray carriage return"
        case .missingOrigin: "expected the origin line o= as the second line"
        case .missingSessionName: "expected the session name line s= as the third line"
        case .missingTiming: "the session needs a t= line before its media sections"
        case .misplacedLine: "this line type is not allowed here"
        case .badOrigin: "origin needs user name, session id, version, net type, address type and address"
        case .badTiming: "timing needs a numeric start and stop time"
        case .badConnection: "connection needs net type, address type and address"
        case .badBandwidth: "bandwidth needs <type>:<kilobits per second>"
        case .badMediaLine: "media line needs port, proto and formats"
        case .badPort: "media port is not a number from 0 to 65535"
        case .badAttribute: "attribute needs a name"
        case .badRTPMap: "rtpmap needs <payload type> <encoding name>/<clock rate>[/<channels>]"
        case .badFormatParameters: "fmtp needs <format> <parameters>"
        case .badFeedback: "rtcp-fb needs <payload type or *> <type> [<parameter>]"
        case .badExtensionMap: "extmap needs <id>[/<direction>] <URI> [<attributes>]"
        case .badSSRC: "ssrc needs <ssrc> <attribute>[:<value>]"
        case .badSSRCGroup: "ssrc-group needs <semantics> <ssrc>..."
        case .badGroup: "group needs <semantics> [<mid>...]"
        case .badMSID: "msid needs <stream id> [<track id>]"
        case .badMsidSemantic: "msid-semantic needs <semantics> [<stream id>...]"
        case .badMid: "mid needs a non-empty identification tag without spaces"
        case .badFingerprint: "fingerprint needs <hash function> <hex bytes separated by ':'>"
        case .badSetup: "setup must be active, passive, actpass or holdconn"
        case .badCandidate:
            "candidate needs <foundation> <component> <transport> <priority> <address> <port> typ <type> [...]"
        case .badRTCP: "rtcp needs <port> [<net type> <address type> <address>]"
        case .badICECredential: "ICE ufrag and pwd need a non-empty value without spaces"
        case .badNumber: "expected a decimal number"
        }
    }
}
