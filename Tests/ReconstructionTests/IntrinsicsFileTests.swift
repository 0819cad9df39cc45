import Foundation
import Support
import Testing
@testable import Reconstruction

@Suite struct IntrinsicsFileTests {
    func write(_ text: String, _ name: String) throws -> URL {
        let dir = try ScratchDirectory.make("intrinsics")
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    @Test func kMatrixWithWindowsLineEndings() throws {
        let k = try IntrinsicsPrior.load(from: write("2905.88 0 1416\r\n0 2905.88 1064\r\n0 0 1\r\n", "K.txt"))
        #expect(k.fx == 2905.88 && k.fy == 2905.88 && k.cx == 1416 && k.cy == 1064)
        #expect(!k.distortionKnown)
    }

    @Test func jsonWithDistortionAndSize() throws {
        let k = try IntrinsicsPrior.load(from: write(#"{"fx": 800, "fy": 810, "cx": 512, "cy": 384, "k1": -0.1, "width": 1024, "height": 768}"#, "i.json"))
        #expect(k.fx == 800 && k.fy == 810 && k.k1 == -0.1 && k.distortionKnown)
        let half = k.intrinsics(width: 512, height: 384)
        #expect(half.fx == 400 && abs(half.cx - 255.75) < 1e-9)
    }

    @Test func integerZeroAndOneAreNumbersNotBooleans() throws {
        // A pinhole stated with integers (`landmark synth` writes this); on Linux
        // Foundation `0 is Bool` holds for JSON integers.
        let k = try IntrinsicsPrior.load(from: write(#"{"fx": 1, "fy": 1, "cx": 1, "cy": 1, "k1": 0, "k2": 0, "p1": 0, "p2": 1}"#, "i.json"))
        #expect(k.fx == 1 && k.cx == 1 && k.k1 == 0 && k.p2 == 1 && k.distortionKnown)
    }

    @Test(arguments: [
        ("garbage", "K.txt", "expected a 3×3 matrix"),
        ("1 0 2\n0 1 x\n0 0 1\n", "K.txt", "line 2"),
        ("1 0 2\n0 1 3\n", "K.txt", "found 2 lines"),
        ("-5 0 2\n0 1 3\n0 0 1", "K.txt", "focal lengths must be positive"),
        (#"{"fx": 800, "cx": 1, "cy": 2}"#, "k.json", "missing field \"fy\""),
        (#"{"fx": "a", "fy": 1, "cx": 1, "cy": 2}"#, "k.json", "\"fx\" is not a number"),
        (#"{"fx": 800, "fy": 800, "cx": 1, "cy": 2, "k1": true}"#, "k.json", "\"k1\" is not a number"),
    ])
    func badFilesNameTheProblem(text: String, name: String, expected: String) throws {
        let url = try write(text, name)
        do {
            _ = try IntrinsicsPrior.load(from: url)
            Issue.record("expected an error")
        } catch let error as ReconstructionError {
            #expect(error.description.contains(expected), "\(error.description)")
            #expect(error.description.contains(name))
        }
    }
}
