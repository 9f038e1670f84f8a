// Unit tests of rate, increase, delta and the *_over_time window functions.

import Testing

@testable import PGVigil
@testable import Store

@Suite struct WindowFunctionTests {
    private func points(_ values: [Double], step: Double = 10) -> [SeriesPoint] {
        values.enumerated().map { SeriesPoint(timestamp: 1000 + Double($0.offset) * step, value: $0.element) }
    }

    @Test func rateIsIncreasePerSecond() {
        #expect(WindowFunction.rate.apply(to: points([100, 150, 200])) == 5)
    }

    @Test func counterResetCountsFromZero() {
        // 100 → 150 (+50), reset to 20 (+20), → 40 (+20)
        #expect(WindowFunction.increase.apply(to: points([100, 150, 20, 40])) == 90)
    }

    @Test func deltaIsLastMinusFirstEvenWhenFalling() {
        #expect(WindowFunction.delta.apply(to: points([10, 50, 4])) == -6)
    }

    @Test func overTimeAggregates() {
        let series = points([3, 9, 6])
        #expect(WindowFunction.avgOverTime.apply(to: series) == 6)
        #expect(WindowFunction.minOverTime.apply(to: series) == 3)
        #expect(WindowFunction.maxOverTime.apply(to: series) == 9)
    }

    @Test(arguments: [WindowFunction.rate, .increase, .delta])
    func undefinedWithOnePoint(function: WindowFunction) {
        #expect(function.apply(to: points([42])) == nil)
    }
}
