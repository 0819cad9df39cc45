import PoseServer
import Testing

@Suite struct AllocatorTuningTests {
    /// glibc's mallopt is found through dlsym and accepts the server's settings.
    @Test func appliesOnGlibc() {
        #if os(Linux)
        #expect(AllocatorTuning().apply())
        AllocatorTuning.releaseFreeMemory()
        #expect(AllocatorTuning.glibcDefaults.apply())   // nothing to set: trivially accepted, trimming off
        #endif
    }
}
