// Comma-separated HTTP header lists (Accept, Accept-Encoding) read as bytes.

/// The elements of a comma-separated HTTP header list such as `Accept` or `Accept-Encoding`,
/// ASCII-lowercased and without spaces or tabs, each a value (`application/openmetrics-text`,
/// `gzip`) with `;`-separated `name=value` parameters. Read as bytes: every scrape reads both
/// headers, and splitting and lowercasing them as Strings cost it more than the rest of its answer.
package struct HeaderList: Sequence {
    /// One element of the list.
    package struct Element {
        /// The value and its parameters, e.g. `text/plain;version=0.0.4;q=0.5`.
        private let bytes: ArraySlice<UInt8>

        init(_ bytes: ArraySlice<UInt8>) {
            self.bytes = bytes
        }

        /// Whether its value (before any parameter) is `name`, given in lowercase.
        package func hasValue(_ name: String) -> Bool {
            bytes.prefix { $0 != UInt8(ascii: ";") }.elementsEqual(name.utf8)
        }

        /// The value of parameter `name` (given in lowercase), nil when absent.
        package func parameter(_ name: String) -> String? {
            for parameter in bytes.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false).dropFirst() {
                guard let equals = parameter.firstIndex(of: UInt8(ascii: "=")),
                    parameter[..<equals].elementsEqual(name.utf8)
                else { continue }
                return String(decoding: parameter[(equals + 1)...], as: UTF8.self)
            }
            return nil
        }

        /// Its `q` parameter: 1 when absent, 0 when not a number (no preference is read into it).
        package var quality: Double {
            parameter("q").map { Double($0) ?? 0 } ?? 1
        }
    }

    private let bytes: [UInt8]

    /// The elements of every value of the header, in order.
    package init(_ values: [String]) {
        var bytes: [UInt8] = []
        for value in values {
            if !bytes.isEmpty { bytes.append(UInt8(ascii: ",")) }
            for byte in value.utf8 where byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") {
                bytes.append(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte)
            }
        }
        self.bytes = bytes
    }

    package func makeIterator() -> some IteratorProtocol<Element> {
        bytes.split(separator: UInt8(ascii: ",")).lazy.map(Element.init).makeIterator()
    }
}
