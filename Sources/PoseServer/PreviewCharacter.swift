import Anchoring
import Foundation
import Rendering

/// The character `POST /v1/landmarks/{id}/preview` renders on an anchor: a glTF character
/// (`CharacterPoser`, as `landmark preview --character`) and the animation that moves it
/// (its own first animation, or another asset's by joint name, as `--animation`).
///
/// Immutable once built, and posing only reads it, so one value serves concurrent previews.
public struct PreviewCharacter: @unchecked Sendable {
    public let poser: CharacterPoser
    /// The animation source, nil for the rest pose.
    public let animation: (poser: CharacterPoser, index: Int)?
    /// Seconds of the animation (0 without one). Times past it hold the last pose.
    public let duration: Double

    /// - Parameters:
    ///   - character: the character to render.
    ///   - animation: an asset whose first animation drives the character; nil uses the
    ///     character's own first animation, or the rest pose when it has none.
    /// - Throws: `CharacterPoseError` (e.g. `.notSkinned` when an animation is given for a
    ///   character with no skin).
    public init(character: CharacterPoser, animation: CharacterPoser? = nil) throws {
        poser = character
        let source = animation.map { ($0, 0) } ?? (character.animationCount > 0 ? (character, 0) : nil)
        if let source {
            // Pose once now, so a character that cannot be animated fails at start, not per request.
            _ = try character.scene(animationFrom: source, time: 0)
        }
        self.animation = source
        duration = try source.map { try $0.0.duration(ofAnimation: $0.1) } ?? 0
    }

    /// The character posed at `time` seconds, in its own frame (glTF: Y up, metres, facing +Z).
    public func scene(at time: Double) throws -> Scene {
        try poser.scene(animationFrom: animation, time: time)
    }
}
