// Unit tests of reading comma-separated HTTP header lists (Accept, Accept-Encoding).
import Testing

@testable import Support

@Suite struct HeaderListTests {
    @Test func elementsAreLowercasedWithoutSpacesAcrossValues() {
        let list = Array(HeaderList(["Application/OpenMetrics-Text; Version=1.0.0 ;q=0.75,\tGZIP", "text/plain;q=oops"]))
        #expect(list.count == 3)
        #expect(list[0].hasValue("application/openmetrics-text"))
        #expect(!list[0].hasValue("application/openmetrics"))
        #expect(list[0].parameter("version") == "1.0.0")
        #expect(list[0].quality == 0.75)
        #expect(list[1].hasValue("gzip") && list[1].quality == 1 && list[1].parameter("version") == nil)
        // A q that is not a number is no preference.
        #expect(list[2].hasValue("text/plain") && list[2].quality == 0)
        #expect(Array(HeaderList([])).isEmpty && Array(HeaderList([" , "])).isEmpty)
    }
}
