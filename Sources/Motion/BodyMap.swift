import Foundation
import Geometry

/// A body part a humanoid skeleton joint plays.
public enum BodyRole: String, CaseIterable, Sendable, Codable, Comparable {
    case hips, chest, head
    case leftUpperLeg, leftLowerLeg, leftFoot, leftToes
    case rightUpperLeg, rightLowerLeg, rightFoot, rightToes
    case leftShoulder, leftUpperArm, leftLowerArm, leftHand
    case rightShoulder, rightUpperArm, rightLowerArm, rightHand

    public static func < (a: BodyRole, b: BodyRole) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
    /// The role whose joint ends this role's bone, if any (for direction alignment).
    var next: BodyRole? {
        switch self {
        case .leftUpperLeg: return .leftLowerLeg
        case .leftLowerLeg: return .leftFoot
        case .leftFoot: return .leftToes
        case .rightUpperLeg: return .rightLowerLeg
        case .rightLowerLeg: return .rightFoot
        case .rightFoot: return .rightToes
        case .leftShoulder: return .leftUpperArm
        case .leftUpperArm: return .leftLowerArm
        case .leftLowerArm: return .leftHand
        case .rightShoulder: return .rightUpperArm
        case .rightUpperArm: return .rightLowerArm
        case .rightLowerArm: return .rightHand
        default: return nil
        }
    }
}

/// Where a humanoid's body parts are in a skeleton, found from bone names and structure.
///
/// Rules (in order):
/// 1. Names are split into lowercase words: a namespace before `:` and prefixes such as
///    `CC_Base_`, `Bip01`, `DEF-` are dropped, camelCase/`_`/`.`/digits split words, so
///    `mixamorig:LeftUpLeg`, `CC_Base_L_Thigh`, `UpperLeg.L`, `thigh_l`, `LHipJoint`,
///    `lhand` and `leg_joint_L_1` all give a side (`left`/`l`, `right`/`r`) and words.
/// 2. Feet are the shallowest joints named foot/ankle on each side, hands the shallowest
///    named hand/wrist without finger words. Without such names (e.g. numbered chains
///    `leg_joint_L_1…5`), the side's limb chain is walked: legs are the side's subtree that
///    reaches lowest, arms the other large one, roles by position along the chain.
/// 3. Lower leg and upper leg are the foot's parent and grandparent (twist/share/roll bones
///    skipped); forearm, upper arm and clavicle likewise above the hand. A foot that is not
///    under its lower leg (IK rigs) gets the lower leg as a virtual parent.
/// 4. Chest = common ancestor of the two upper arms; hips = common ancestor of the two
///    upper legs and the chest; spine = the chain from hips to chest (any length); head =
///    the shallowest joint named head (else the end of the chain above the chest); neck =
///    the chain between chest and head.
public struct BodyMap: Sendable, Equatable {
    public var roles: [BodyRole: Int]
    /// Joints from the hips (exclusive) to the chest (inclusive).
    public var spine: [Int]
    /// Joints from the chest (exclusive) to the head (exclusive).
    public var neck: [Int]
    /// Joints that should be treated as children of another joint (foot → lower leg).
    public var virtualParents: [Int: Int]

    public subscript(_ r: BodyRole) -> Int? { roles[r] }

    // MARK: Name analysis

    /// Side and words of a bone name.
    public struct NameWords: Equatable, Sendable {
        public var side: Character?   // "l" or "r"
        public var words: [String]
        public var joined: String { words.joined() }
        public func has(_ w: String) -> Bool { words.contains(w) }
        public func hasAny(_ ws: [String]) -> Bool { let j = joined; return ws.contains { w in j.contains(w) } }
    }

    static let bodyWords = ["hip", "hand", "thumb", "finger", "fingers", "foot", "toe", "toes", "shoulder", "arm",
                            "leg", "upleg", "knee", "ankle", "wrist", "elbow", "collar", "clavicle", "eye", "thigh",
                            "calf", "forearm", "uparm", "index", "middle", "ring", "pinky", "ear", "heel", "ball"]
    static let helperWords = ["twist", "share", "roll", "end", "nub", "ik", "pole", "target", "ctrl", "control", "helper", "site", "top"]
    static let fingerWords = ["thumb", "index", "middle", "ring", "pinky", "finger", "palm", "mid", "digit"]

    public static func words(of rawName: String) -> NameWords {
        var name = rawName
        if let c = name.lastIndex(of: ":") { name = String(name[name.index(after: c)...]) }
        for prefix in ["CC_Base_", "Bip01 ", "Bip001 ", "Bip01_", "Bip001_", "DEF-", "ORG-", "mixamorig", "Skeleton_"]
        where name.hasPrefix(prefix) && name.count > prefix.count { name = String(name.dropFirst(prefix.count)) }
        // Split into words on separators, digits and camelCase.
        var words = [String](), cur = ""
        let chars = Array(name)
        func flush() { if !cur.isEmpty { words.append(cur.lowercased()); cur = "" } }
        for (i, ch) in chars.enumerated() {
            if !(ch.isLetter) { flush(); continue }
            if ch.isUppercase, !cur.isEmpty {
                let prevLower = chars[i - 1].isLowercase
                let nextLower = i + 1 < chars.count && chars[i + 1].isLowercase
                if prevLower || nextLower { flush() }
            }
            cur.append(ch)
        }
        flush()
        var side: Character?
        var out = [String]()
        for w in words {
            if w == "left" || w == "l" { side = "l"; continue }
            if w == "right" || w == "r" { side = "r"; continue }
            // "lhand", "rthumb", "lfingers": side letter glued to a body word.
            if w.count > 2, let f = w.first, f == "l" || f == "r", bodyWords.contains(String(w.dropFirst())) {
                side = f; out.append(String(w.dropFirst())); continue
            }
            out.append(w)
        }
        return NameWords(side: side, words: out)
    }

    // MARK: Detection

    /// Finds the body parts of `skeleton`, using `positions` (world, Y up, any pose where
    /// the figure stands, e.g. its rest) only where names do not decide.
    public static func detect(_ sk: Skeleton, positions: [Vec3], label: String) throws -> BodyMap {
        let n = sk.count
        let w = sk.names.map(words(of:))
        let children = sk.children
        var subtreeHeight = [Int](repeating: 0, count: n)
        var subtreeSize = [Int](repeating: 1, count: n)
        for j in stride(from: n - 1, through: 0, by: -1) where sk.parents[j] >= 0 {
            let p = sk.parents[j]
            subtreeHeight[p] = max(subtreeHeight[p], subtreeHeight[j] + 1)
            subtreeSize[p] += subtreeSize[j]
        }
        var depth = [Int](repeating: 0, count: n)
        for j in 0..<n where sk.parents[j] >= 0 { depth[j] = depth[sk.parents[j]] + 1 }
        func isHelper(_ j: Int) -> Bool { sk.isEndSite[j] || w[j].hasAny(helperWords) }
        /// The child continuing the main chain (deepest subtree, not a helper).
        func mainChild(_ j: Int) -> Int? {
            children[j].filter { !isHelper($0) }.max { a, b in
                (subtreeHeight[a], subtreeSize[a], -a) < (subtreeHeight[b], subtreeSize[b], -b)
            }
        }
        func chain(from j: Int) -> [Int] {
            var c = [j], k = j
            while let m = mainChild(k) { c.append(m); k = m }
            return c
        }
        func skipHelpersUp(_ j: Int) -> Int {
            var k = sk.parents[j]
            while k >= 0 && isHelper(k) { k = sk.parents[k] }
            return k
        }
        func shallowest(_ pred: (Int) -> Bool) -> Int? {
            (0..<n).filter { !sk.isEndSite[$0] && pred($0) }.min { (depth[$0], $0) < (depth[$1], $1) }
        }
        func firstNamed(side: Character, _ names: [String], excluding: [String] = []) -> Int? {
            shallowest { j in w[j].side == side && !isHelper(j) && w[j].hasAny(names) && !w[j].hasAny(excluding) }
        }
        var roles = [BodyRole: Int]()
        var virtualParents = [Int: Int]()
        var missing = [String]()
        let up = Vec3(0, 1, 0)
        for side: Character in ["l", "r"] {
            let L = side == "l"
            // Subtrees that start on this side (their root is sided, its parent is not).
            let sideRoots = (0..<n).filter { j in
                w[j].side == side && !sk.isEndSite[j] && (sk.parents[j] < 0 || w[sk.parents[j]].side != side)
            }
            func lowest(_ r: Int) -> Double {
                var m = Double.infinity
                for k in r..<n where sk.isAncestor(r, of: k) { m = min(m, dot(positions[k], up)) }
                return m
            }
            let legRoot = sideRoots.filter { subtreeSize[$0] > 1 }.min { lowest($0) < lowest($1) }
            // Foot.
            var foot = firstNamed(side: side, ["foot", "ankle"], excluding: ["toe"])
            if foot == nil, let r = legRoot {
                let c = chain(from: r)
                if c.count >= 4 { foot = c[2] } else if c.count >= 3 { foot = c[c.count - 1] }
            }
            guard let foot else { missing.append(L ? "left foot" : "right foot"); continue }
            roles[L ? .leftFoot : .rightFoot] = foot
            var lower = skipHelpersUp(foot)
            if lower < 0 || w[lower].side != side {
                // IK rig: the foot hangs elsewhere; find the leg chain by name or structure.
                if let named = firstNamed(side: side, ["lowerleg", "calf", "knee", "shin", "lowleg"]) { lower = named }
                else if let r = legRoot, r != foot { let c = chain(from: r); lower = c.count >= 2 ? c[1] : -1 }
                if lower >= 0 { virtualParents[foot] = lower }
            }
            guard lower >= 0 else { missing.append(L ? "left lower leg" : "right lower leg"); continue }
            roles[L ? .leftLowerLeg : .rightLowerLeg] = lower
            let upper = skipHelpersUp(lower)
            guard upper >= 0 else { missing.append(L ? "left upper leg" : "right upper leg"); continue }
            roles[L ? .leftUpperLeg : .rightUpperLeg] = upper
            if let toe = children[foot].filter({ !isHelper($0) }).max(by: { (w[$0].hasAny(["toe", "ball"]) ? 1 : 0, subtreeHeight[$0]) < (w[$1].hasAny(["toe", "ball"]) ? 1 : 0, subtreeHeight[$1]) }) {
                roles[L ? .leftToes : .rightToes] = toe
            }
            // Hand.
            var hand = firstNamed(side: side, ["hand", "wrist"], excluding: fingerWords)
            var fore: Int?
            if hand == nil {
                let armRoot = sideRoots.filter { r in r != legRoot && !sk.isAncestor(r, of: foot) && !sk.isAncestor(r, of: upper) && !sk.isAncestor(upper, of: r) && !sk.isAncestor(foot, of: r) }
                    .max { subtreeSize[$0] < subtreeSize[$1] }
                if let named = firstNamed(side: side, ["forearm", "lowerarm", "elbow"]) {
                    fore = named
                    if let m = mainChild(named), !w[m].hasAny(fingerWords) { hand = m }
                } else if let r = armRoot {
                    let c = chain(from: r)
                    let startsWithClavicle = w[r].hasAny(["clavicle", "collar"]) || c.count >= 4
                    let i0 = startsWithClavicle ? 1 : 0
                    if c.count >= i0 + 3, !w[c[i0 + 2]].hasAny(fingerWords) { hand = c[i0 + 2] } else if c.count >= i0 + 3 { fore = c[i0 + 1] } else if c.count >= i0 + 2 { fore = c[i0 + 1] }
                }
            }
            if let hand {
                roles[L ? .leftHand : .rightHand] = hand
                fore = skipHelpersUp(hand)
            }
            guard let f = fore, f >= 0 else { missing.append(L ? "left arm" : "right arm"); continue }
            roles[L ? .leftLowerArm : .rightLowerArm] = f
            let ua = skipHelpersUp(f)
            guard ua >= 0 else { missing.append(L ? "left upper arm" : "right upper arm"); continue }
            roles[L ? .leftUpperArm : .rightUpperArm] = ua
            let cl = skipHelpersUp(ua)
            if cl >= 0 && w[cl].side == side { roles[L ? .leftShoulder : .rightShoulder] = cl }
        }
        guard missing.isEmpty, let lu = roles[.leftUpperLeg], let ru = roles[.rightUpperLeg],
              let la = roles[.leftUpperArm], let ra = roles[.rightUpperArm] else {
            throw MotionError.mappingIncomplete(skeleton: label, missing: missing.isEmpty ? ["limbs"] : missing)
        }
        let chest = sk.commonAncestor([roles[.leftShoulder] ?? la, roles[.rightShoulder] ?? ra])
        let hips = sk.commonAncestor([lu, ru, chest])
        guard chest >= 0, hips >= 0, let spine = sk.path(from: hips, to: chest) else {
            throw MotionError.mappingIncomplete(skeleton: label, missing: ["hips/chest (limbs are in separate trees)"])
        }
        roles[.hips] = hips
        roles[.chest] = chest
        let armRoots = Set([roles[.leftShoulder] ?? la, roles[.rightShoulder] ?? ra])
        func inArms(_ j: Int) -> Bool { armRoots.contains { sk.isAncestor($0, of: j) } }
        var head = shallowest { j in sk.isAncestor(chest, of: j) && j != chest && !inArms(j) && w[j].has("head") && !isHelper(j) }
        if head == nil {
            // The end of the chain above the chest.
            let up = children[chest].filter { !armRoots.contains($0) && !isHelper($0) }.max { subtreeHeight[$0] < subtreeHeight[$1] }
            if let up { head = chain(from: up).last }
        }
        var neck: [Int] = []
        if let h = head {
            roles[.head] = h
            neck = Array((sk.path(from: chest, to: h) ?? [h]).dropLast())
        }
        if spine.isEmpty { roles[.chest] = hips }
        return BodyMap(roles: roles, spine: spine, neck: neck, virtualParents: virtualParents)
    }

    /// Lines describing the map: role, joint name.
    public func describe(_ sk: Skeleton) -> [String] {
        var out = [String]()
        for r in BodyRole.allCases { if let j = roles[r] { out.append("\(r.rawValue): \(sk.names[j])") } }
        out.append("spine: [" + spine.map { sk.names[$0] }.joined(separator: ", ") + "]")
        out.append("neck: [" + neck.map { sk.names[$0] }.joined(separator: ", ") + "]")
        for (f, p) in virtualParents.sorted(by: { $0.key < $1.key }) {
            out.append("virtual parent: \(sk.names[f]) follows \(sk.names[p])")
        }
        return out
    }
}
