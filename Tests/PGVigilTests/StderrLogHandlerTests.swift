// Unit tests of the log line formats.

import Testing

@testable import PGVigil
@testable import Support

@Suite struct StderrLogHandlerTests {
    private let fields = [("level", "warning"), ("msg", "target down: \"db\" refused\nretrying"), ("target", "primary")]

    @Test func logfmtQuotesOnlyWhatNeedsIt() {
        #expect(
            StderrLogHandler.render(fields, format: .logfmt)
                == #"level=warning msg="target down: \"db\" refused\nretrying" target=primary"#)
    }

    @Test func jsonEscapesEveryValue() {
        #expect(
            StderrLogHandler.render(fields, format: .json)
                == #"{"level":"warning","msg":"target down: \"db\" refused\nretrying","target":"primary"}"#)
    }
}
