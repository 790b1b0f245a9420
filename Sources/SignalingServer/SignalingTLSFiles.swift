import NIOSSL

/// The certificate chain and private key `linkup serve --tls-cert --tls-key` serves HTTPS and WSS with (TLS 1.2+,
/// RFC 8446 / RFC 5246), both PEM files.
public struct SignalingTLSFiles: Sendable, Equatable {
    /// The PEM certificate chain, leaf first.
    public var certificatePath: String
    /// The PEM private key of the leaf.
    public var keyPath: String

    /// The files at these paths.
    public init(certificatePath: String, keyPath: String) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
    }

    /// The server's TLS configuration; throws a sentence naming the file that could not be read.
    public func serverConfiguration() throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw SignalingTLSError("cannot read the certificate chain \(certificatePath): \(error)")
        }
        guard !chain.isEmpty else { throw SignalingTLSError("no certificate in \(certificatePath)") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        } catch {
            throw SignalingTLSError("cannot read the private key \(keyPath): \(error)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) },
                                                                     privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        return configuration
    }
}

/// A TLS set-up problem, in a sentence.
public struct SignalingTLSError: Error, CustomStringConvertible, Sendable {
    /// The sentence.
    public let description: String
    /// An error saying `description`.
    public init(_ description: String) { self.description = description }
}
