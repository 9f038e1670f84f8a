// The publisher's render decision alone: at once after a change, then at most every interval.

import Testing

@testable import Sampler

@Suite struct RenderPacingTests {
    @Test func nothingChangedMeansNothingToRender() {
        let pacing = RenderPacing(minimumInterval: .milliseconds(250))
        #expect(pacing.next(at: .zero) == .waitForChange)
    }

    @Test func aChangeAfterAQuietSpellIsRenderedAtOnce() {
        var pacing = RenderPacing(minimumInterval: .milliseconds(250))
        pacing.changed()
        #expect(pacing.next(at: .seconds(7)) == .render)
        pacing.rendered(at: .seconds(7))
        #expect(pacing.next(at: .seconds(7)) == .waitForChange)
        pacing.changed()
        #expect(pacing.next(at: .seconds(8)) == .render)
    }

    @Test func changesSoonAfterARenderWaitForTheIntervalAndRenderOnce() {
        var pacing = RenderPacing(minimumInterval: .milliseconds(250))
        pacing.changed()
        pacing.rendered(at: .seconds(1))
        pacing.changed()
        pacing.changed()
        #expect(pacing.next(at: .milliseconds(1100)) == .waitUntil(.milliseconds(1250)))
        #expect(pacing.next(at: .milliseconds(1250)) == .render)
        pacing.rendered(at: .milliseconds(1250))
        #expect(pacing.next(at: .milliseconds(1250)) == .waitForChange)
    }

    @Test func aRenderOutsideTheLoopLeavesTheIntervalAsItWas() {
        var pacing = RenderPacing(minimumInterval: .milliseconds(250))
        pacing.changed()
        pacing.rendered(at: .seconds(1))
        pacing.changed()
        pacing.rendered(at: nil)
        #expect(!pacing.changePending)
        pacing.changed()
        #expect(pacing.next(at: .milliseconds(1200)) == .waitUntil(.milliseconds(1250)))
    }
}
