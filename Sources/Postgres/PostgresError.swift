// Errors from talking to PostgreSQL, with messages an operator can act on and no secrets in them.

/// A failure to connect to or query PostgreSQL. Messages come from libpq with passwords removed.
package struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    package enum Kind: Sendable {
        /// The connection could not be made, or it was lost.
        case connection
        /// The server rejected or failed a query (the connection is still usable).
        case query
        /// A row did not decode to the expected type.
        case decoding
    }

    /// What kind of failure this is.
    package var kind: Kind
    /// The reason, safe to log.
    package var message: String
    /// The SQLSTATE code, when the server sent one (e.g. `57014` for a statement timeout).
    var sqlState: String?
    /// Whether the server did not answer within the client deadline (the connection was
    /// dropped), as opposed to an error it reported: a `connection` failure on a target's main
    /// session, a `query` failure (its collector fails) on a per-database session.
    package var isNoAnswer = false

    /// Creates a value from its parts.
    package init(kind: Kind, message: String, sqlState: String? = nil, isNoAnswer: Bool = false) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.isNoAnswer = isNoAnswer
    }

    package var description: String {
        if let sqlState { return "\(message) (SQLSTATE \(sqlState))" }
        return message
    }
}
