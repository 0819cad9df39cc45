import Foundation
import Testing
@testable import Support

/// A clock the test moves by hand.
private final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds = 0.0
    func now() -> Double { lock.lock(); defer { lock.unlock() }; return seconds }
    func advance(by s: Double) { lock.lock(); seconds += s; lock.unlock() }
}

/// Collects what a progress bar emits.
private final class Recorder: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func record(_ s: String) { lock.lock(); stored.append(s); lock.unlock() }
    var lines: [String] { lock.lock(); defer { lock.unlock() }; return stored }
}

private func makeBar(_ title: String = "work", total: Int, style: ProgressBar.Style = .logLines)
    -> (ProgressBar, ManualClock, Recorder) {
    let clock = ManualClock(), recorder = Recorder()
    let bar = ProgressBar(title, total: total, style: style, clock: { clock.now() }, emit: { recorder.record($0) })
    return (bar, clock, recorder)
}

@Suite struct ProgressBarTests {
    @Test func fastProgressLogsOneLinePerTenthOfTheTotal() {
        let (bar, clock, recorder) = makeBar(total: 100)
        for _ in 0..<100 { clock.advance(by: 0.5); bar.advance() }
        bar.finish()
        #expect(recorder.lines.count == 10)
        #expect(recorder.lines.first == "work: 10/100 (10 %), 5.0 s, ETA 45 s")
        #expect(recorder.lines.last == "work: 100/100 (100 %), 50.0 s")
    }

    @Test func slowProgressLogsEveryTenSeconds() {
        let (bar, clock, recorder) = makeBar(total: 1000)
        for _ in 0..<12 { clock.advance(by: 3); bar.advance() }
        // Steps at 3, 6, …, 36 s; lines when 10 s have passed since the last one: 12, 24, 36 s.
        #expect(recorder.lines == [
            "work: 4/1000 (0 %), 12.0 s, ETA 2988 s",
            "work: 8/1000 (0 %), 24.0 s, ETA 2976 s",
            "work: 12/1000 (1 %), 36.0 s, ETA 2964 s",
        ])
    }

    @Test func aStalledCountIsNotLoggedAgain() {
        let (bar, clock, recorder) = makeBar(total: 1000)
        bar.update(5)                                  // at 0 s: neither a tenth nor 10 s
        clock.advance(by: 60); bar.update(5)           // 5 is new to the log
        clock.advance(by: 60); bar.update(5)           // stalled: no repeat
        bar.advance(0)
        clock.advance(by: 1); bar.advance()
        #expect(recorder.lines == ["work: 5/1000 (0 %), 60.0 s, ETA 11940 s", "work: 6/1000 (0 %), 121.0 s, ETA 20046 s"])
    }

    @Test func severalTenthsAtOnceGiveOneLine() {
        let (bar, clock, recorder) = makeBar(total: 10)
        clock.advance(by: 1)
        bar.update(7)
        bar.update(7)
        #expect(recorder.lines == ["work: 7/10 (70 %), 1.0 s, ETA 0 s"])
    }

    @Test func finishLogsTheLastCountOnceAndOnlyIfNew() {
        let (bar, clock, recorder) = makeBar(total: 40)
        clock.advance(by: 2); bar.update(20)          // 50 %: logged
        clock.advance(by: 1); bar.update(21)          // not yet another tenth, not 10 s
        bar.finish(); bar.finish()
        bar.advance()                                 // after finish: nothing
        #expect(recorder.lines == ["work: 20/40 (50 %), 2.0 s, ETA 2 s", "work: 21/40 (52 %), 3.0 s, ETA 3 s"])

        let (done, _, doneRecorder) = makeBar(total: 4)
        done.update(4)
        done.finish()                                 // 4/4 was logged already
        #expect(doneRecorder.lines.count == 1)
    }

    @Test func anUnknownTotalLogsByTimeOnlyWithoutPercentOrETA() {
        let (bar, clock, recorder) = makeBar("scanning", total: 0)
        for _ in 0..<25 { clock.advance(by: 1); bar.advance() }
        bar.finish()
        #expect(recorder.lines == ["scanning: 10/0, 10.0 s", "scanning: 20/0, 20.0 s", "scanning: 25/0, 25.0 s"])
    }

    @Test func theTerminalBarRedrawsAtMostTenTimesASecondAndAlwaysAtTheEnd() {
        let (bar, clock, recorder) = makeBar(total: 100, style: .bar)
        // Steps every 1/32 s: a redraw every 4 steps (0.125 s ≥ 0.1 s; 3 steps are 0.094 s).
        for _ in 0..<99 { clock.advance(by: 1.0 / 32); bar.advance() }   // 24 redraws
        clock.advance(by: 1.0 / 32); bar.advance()                       // complete: drawn at once
        bar.finish()                                                     // drawn again, then a newline
        let draws = recorder.lines.filter { $0.hasPrefix("\r") }
        #expect(draws.count == 24 + 1 + 1)
        #expect(draws[0].contains(" 4/100 0.1 s, ETA 3 s"))
        #expect(draws.last?.contains(" 100/100 3.1 s") == true)
        #expect(recorder.lines.last == "\n")
    }

    @Test func aSilentBarEmitsNothing() {
        let (bar, clock, recorder) = makeBar(total: 10, style: .silent)
        for _ in 0..<10 { clock.advance(by: 20); bar.advance() }
        bar.finish()
        #expect(recorder.lines.isEmpty)
    }
}
