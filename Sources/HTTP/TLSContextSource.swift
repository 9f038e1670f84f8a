// The TLS context each new connection gets, rebuilt when the certificate, key or CA files change.
import Config
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import Store
import Support

/// Serves TLS as `tls_server_config` says. New connections get the context built from the files
/// as they were last seen: at most once a second (`checkInterval`), a connection has a thread of
/// the pool compare the files' identity, size and times with what was loaded, and rebuild the
/// context when they changed, so a renewed certificate is served without a restart (open
/// connections keep theirs), and no file is read on an event loop. Files that changed and do not
/// load (a key written before its certificate) keep the last good context in use; that is logged
/// once, shown by `pgvigil_tls_files_last_load_successful`, and tried again when they change again.
package final class TLSContextSource: Sendable {
    /// How often the files are compared with what was loaded, at most.
    static let checkInterval = TimeAmount.seconds(1)

    /// The checked `tls_server_config`, its paths absolute.
    private let tls: WebTLSConfig
    /// Whether and how client certificates are asked for.
    private let mode: TLSClientAuthentication
    /// `client_allowed_sans`.
    private let check: ClientCertificateCheck
    /// Where the files are compared and read: never an event loop.
    private let checks: NIOThreadPool
    /// The context in use and what the files looked like when it was built.
    private let current: NIOLockedValueBox<Current>

    /// The context in use, what the files looked like when it was built or last failed, and
    /// when they are compared next.
    private struct Current {
        var stamps: [FileStamp?]
        var context: NIOSSLContext
        var notAfter: Double
        var failedStamps: [FileStamp?]?
        var nextCheck: NIODeadline
        var checking = false
    }

    /// Builds the first context (a file that cannot be read or parsed is a problem of its field);
    /// later checks run on `checks`.
    package init(_ tls: WebTLSConfig, checks: NIOThreadPool = .singleton) throws(ConfigProblem) {
        self.tls = tls
        self.checks = checks
        mode = TLSClientAuthentication(configured: tls.clientAuthType) ?? .noClientCert
        check = ClientCertificateCheck(allowed: tls.clientAllowedSans.map(Set.init))
        let stamps = Self.stamps(tls)
        let (context, notAfter) = try Self.makeContext(tls)
        current = NIOLockedValueBox(
            Current(stamps: stamps, context: context, notAfter: notAfter, failedStamps: nil, nextCheck: .now() + Self.checkInterval))
    }

    /// The handler a new connection's pipeline starts with: the current context, and what the
    /// mode needs beyond BoringSSL's chain verification.
    func makeHandler(logger: Logger) -> NIOSSLServerHandler {
        let context = currentContext(logger: logger)
        switch mode {
        case .noClientCert, .verifyClientCertIfGiven:
            return NIOSSLServerHandler(context: context)
        case .requestClientCert, .requireAnyClientCert:
            // No CA verifies these: any certificate is accepted.
            return NIOSSLServerHandler(context: context) { _, promise in promise.succeed(.certificateVerified) }
        case .requireAndVerifyClientCert:
            guard check.allowed != nil else { return NIOSSLServerHandler(context: context) }
            return NIOSSLServerHandler._makeSSLServerHandler(context: context) { [check] certificate, channel in
                check.admits(certificate)
                    ? channel.eventLoop.makeSucceededVoidFuture() : channel.eventLoop.makeFailedFuture(ClientCertificateRefused())
            }
        }
    }

    /// The context for a connection accepted now; starts a comparison of the files when one is due.
    func currentContext(logger: Logger) -> NIOSSLContext {
        let now = NIODeadline.now()
        let (context, due) = current.withLockedValue { current in
            let due = !current.checking && now >= current.nextCheck
            if due { current.checking = true }
            return (current.context, due)
        }
        if due { checks.submit { [self] _ in reloadIfChanged(logger: logger) } }
        return context
    }

    /// `pgvigil_tls_certificate_expiration_timestamp_seconds` and
    /// `pgvigil_tls_files_last_load_successful`.
    package var families: [MetricFamily] {
        let (notAfter, loaded) = current.withLockedValue { ($0.notAfter, $0.failedStamps == nil) }
        return [
            MetricFamily(
                name: "pgvigil_tls_certificate_expiration_timestamp_seconds",
                help: "When the served TLS certificate (the leaf of tls_server_config) expires, in seconds since the epoch.", type: .gauge,
                samples: [Sample(labels: [], value: notAfter)]),
            MetricFamily(
                name: "pgvigil_tls_files_last_load_successful",
                help: "1 when the TLS files, as they are now, loaded; 0 when they changed and did not (the previous certificate is served).",
                type: .gauge, samples: [Sample(labels: [], value: loaded ? 1 : 0)]),
        ]
    }

    /// On a thread of `checks`: rebuilds the context if the files changed since they were loaded
    /// (or last failed), and swaps it in.
    private func reloadIfChanged(logger: Logger) {
        let stamps = Self.stamps(tls)
        let (loaded, failed) = current.withLockedValue { ($0.stamps, $0.failedStamps) }
        var outcome: Result<(NIOSSLContext, Double), ConfigProblem>?
        if stamps != loaded, stamps != failed {
            do throws(ConfigProblem) {
                outcome = .success(try Self.makeContext(tls))
            } catch {
                outcome = .failure(error)
            }
        }
        current.withLockedValue { current in
            current.checking = false
            current.nextCheck = .now() + Self.checkInterval
            switch outcome {
            case .success(let (context, notAfter)):
                (current.context, current.notAfter, current.stamps, current.failedStamps) = (context, notAfter, stamps, nil)
            case .failure: current.failedStamps = stamps
            case nil: break
            }
        }
        switch outcome {
        case .success: logger.info("TLS files reloaded", metadata: ["cert_file": "\(tls.certFile ?? "inline")"])
        case .failure(let error):
            logger.error(
                "TLS files changed and do not load; the previous certificate is still served",
                metadata: ["field": "tls_server_config.\(error.path.last?.stringValue ?? "")", "error": "\(error.message)"])
        case nil: break
        }
    }

    /// A context from what the files hold now, and its leaf's expiry.
    private static func makeContext(_ tls: WebTLSConfig) throws(ConfigProblem) -> (NIOSSLContext, Double) {
        let settings = try TLSServerSettings(tls)
        do {
            return (try NIOSSLContext(configuration: settings.configuration), settings.notAfter)
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
