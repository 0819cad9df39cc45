import Foundation

/// Everything that can go wrong in the Motion module. Each case names the file, the line
/// or the bone, so the CLI can print it as the user's next step.
public enum MotionError: Error, CustomStringConvertible, Equatable {
    /// The file could not be read at all.
    case unreadableFile(path: String, reason: String)
    /// A BVH header problem at a 1-based line.
    case bvhSyntax(line: Int, message: String)
    /// The file ended before the declared frame count was read.
    case bvhTruncated(line: Int, framesRead: Int, framesDeclared: Int)
    /// A motion line holds another number of values than the CHANNELS declare.
    case bvhValueCount(line: Int, expected: Int, found: Int)
    /// A motion value is not a number.
    case bvhNotANumber(line: Int, column: Int, token: String)
    /// The character has no skin (no skeleton to retarget onto).
    case noSkin(path: String)
    /// A mapping file names a bone the skeleton does not have.
    case mappingUnknownBone(file: String, bone: String, skeleton: String)
    /// A mapping file is not a JSON object of strings.
    case mappingFormat(file: String, message: String)
    /// The automatic mapping could not find a required body part.
    case mappingIncomplete(skeleton: String, missing: [String])
    /// A clip or option is unusable (e.g. zero frames, non-positive fps).
    case invalidInput(String)
    /// The glTF side failed (reading the character, writing the animation).
    case gltf(String)

    public var description: String {
        switch self {
        case let .unreadableFile(path, reason): return "cannot read \(path): \(reason)"
        case let .bvhSyntax(line, message): return "BVH line \(line): \(message)"
        case let .bvhTruncated(line, read, declared):
            return "BVH line \(line): the file ends after \(read) of the \(declared) frames it declares (truncated file)"
        case let .bvhValueCount(line, expected, found):
            return "BVH line \(line): \(found) values, but the CHANNELS in the header need \(expected) per frame"
        case let .bvhNotANumber(line, column, token):
            return "BVH line \(line): value \(column) '\(token)' is not a number"
        case let .noSkin(path): return "\(path): the character has no skin (no skeleton to retarget onto)"
        case let .mappingUnknownBone(file, bone, skeleton):
            return "\(file): bone '\(bone)' does not exist in the \(skeleton) skeleton"
        case let .mappingFormat(file, message): return "\(file): \(message)"
        case let .mappingIncomplete(skeleton, missing):
            return "cannot map the \(skeleton) skeleton automatically: no \(missing.joined(separator: ", ")) found; pass --map mapping.json"
        case let .invalidInput(message): return message
        case let .gltf(message): return "glTF: \(message)"
        }
    }
}
