// The TLS context each new connection gets, rebuilt when the certificate, key or CA files change.
import Config
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL

#if canImport(Glibc)
import Glibc
#endif

/// Serves TLS as `tls_server_config` says. A new connection gets the context built from the
/// files as they are now: their identity, size and times are compared at each connection and a
/// change rebuilds the context, so a rotated certificate is served without a restart (open
/// connections keep theirs), as exporter-toolkit re-reads its files at each handshake. A change
/// that does not load (a key written before its certificate) keeps the last good context in use;
/// it is logged once and tried again when the files change again.
package final class TLSContextSource: Sendable {
    /// The checked `tls_server_config`, its paths absolute.
    private let tls: WebTLSConfig
    /// Whether and how client certificates are asked for.
    private let mode: TLSClientAuthentication
    /// `client_allowed_sans`.
    private let check: ClientCertificateCheck
    /// The context in use and the file stamps it was built from.
    private let current: NIOLockedValueBox<Current>

    /// The context in use, and what the files looked like when it was built or last failed.
    private struct Current {
        var stamps: [FileStamp?]
        var context: NIOSSLContext
        var failedStamps: [FileStamp?]?
    }

    /// Builds the first context; a file that cannot be read or parsed is a problem of its field.
    package init(_ tls: WebTLSConfig) throws(ConfigProblem) {
        self.tls = tls
        mode = TLSClientAuthentication(configured: tls.clientAuthType) ?? .noClientCert
        check = ClientCertificateCheck(allowed: tls.clientAllowedSans.map(Set.init))
        let stamps = Self.stamps(tls)
        current = NIOLockedValueBox(Current(stamps: stamps, context: try Self.makeContext(tls), failedStamps: nil))
    }

    /// The handler a new connection's pipeline starts with: the current context, and the client
    /// certificate checks the mode needs beyond BoringSSL's chain verification.
    func makeHandler(logger: Logger) -> NIOSSLServerHandler {
        let context = currentContext(logger: logger)
        switch mode {
        case .noClientCert:
            return NIOSSLServerHandler(context: context)
        case .requestClientCert, .requireAnyClientCert:
            // Any certificate is accepted (no CA verifies it); only its names are checked.
            return NIOSSLServerHandler(context: context) { [check] certificates, promise in
                promise.succeed(certificates.first.map(check.admits) ?? true ? .certificateVerified : .failed)
            }
        case .verifyClientCertIfGiven, .requireAndVerifyClientCert:
            guard check.allowed != nil else { return NIOSSLServerHandler(context: context) }
            return NIOSSLServerHandler._makeSSLServerHandler(context: context) { [check] certificate, channel in
                check.admits(certificate)
                    ? channel.eventLoop.makeSucceededVoidFuture() : channel.eventLoop.makeFailedFuture(ClientCertificateRefused())
            }
        }
    }

    /// The context for a connection accepted now, rebuilt first if the files changed.
    func currentContext(logger: Logger) -> NIOSSLContext {
        let stamps = Self.stamps(tls)
        return current.withLockedValue { current in
            guard stamps != current.stamps, stamps != current.failedStamps else { return current.context }
            do throws(ConfigProblem) {
                current.context = try Self.makeContext(tls)
                current.stamps = stamps
                current.failedStamps = nil
                logger.info("TLS files reloaded", metadata: ["cert_file": "\(tls.certFile ?? "inline")"])
            } catch {
                current.failedStamps = stamps
                logger.error(
                    "TLS files changed and do not load; the previous certificate is still served",
                    metadata: ["field": "tls_server_config.\(error.path.last?.stringValue ?? "")", "error": "\(error.message)"])
            }
            return current.context
        }
    }

    /// A context from what the files hold now.
    private static func makeContext(_ tls: WebTLSConfig) throws(ConfigProblem) -> NIOSSLContext {
        let settings = try TLSServerSettings(tls)
        do {
            return try NIOSSLContext(configuration: settings.configuration)
        } catch {
            throw TLSServerSettings.problem(
                tls.keyFile == nil ? .key : .keyFile, "the certificate and key do not make a TLS context (\(error)); is this the certificate's key?")
        }
    }

    /// The stamps of the files `tls` names (nil for inline PEM or a file that is gone).
    private static func stamps(_ tls: WebTLSConfig) -> [FileStamp?] {
        [tls.certFile, tls.keyFile, tls.clientCAFile].map { $0.flatMap(FileStamp.init(path:)) }
    }
}

/// A client certificate without any of `client_allowed_sans`: the handshake fails.
struct ClientCertificateRefused: Error, CustomStringConvertible {
    var description: String { "the client certificate carries none of client_allowed_sans" }
}

/// What tells a changed file from an unchanged one without reading it: device, inode, size and
/// modification and change times (a file replaced by rename has a new inode; one rewritten in
/// place, a new mtime).
struct FileStamp: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: [Int]

    /// The stamp of `path`, nil when it cannot be stat'ed.
    init?(path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
        size = Int64(status.st_size)
        modified = [status.st_mtim.tv_sec, status.st_mtim.tv_nsec, status.st_ctim.tv_sec, status.st_ctim.tv_nsec]
    }
}
