import Foundation

/// `bufferView.target` values.
public enum GLTFBufferTarget: Int, Sendable {
    case arrayBuffer = 34962, elementArrayBuffer = 34963
}

/// Where one accessor's elements live, validated against its buffer.
struct GLTFAccessorLayout {
    var buffer: Int?          // nil: no bufferView (all zeros before sparse substitution)
    var start: Int
    var stride: Int
    var count: Int
    var type: GLTFAccessorType
    var component: GLTFComponentType
    var normalized: Bool
    /// Byte offset of each component inside an element (matrix columns are 4-byte aligned).
    var componentOffsets: [Int]
    var elementSize: Int
}

extension GLTFAccessorLayout {
    static func offsets(type: GLTFAccessorType, component: GLTFComponentType) -> (offsets: [Int], size: Int) {
        let size = component.byteSize
        let columns = type.columnCount
        if columns == 1 {
            return ((0..<type.componentCount).map { $0 * size }, type.componentCount * size)
        }
        let rows = columns
        let columnStride = (rows * size + 3) / 4 * 4
        var offsets: [Int] = []
        for c in 0..<columns { for r in 0..<rows { offsets.append(c * columnStride + r * size) } }
        return (offsets, columns * columnStride)
    }
}

@inline(__always)
private func loadComponent(_ raw: UnsafeRawBufferPointer, _ at: Int, _ c: GLTFComponentType) -> Double {
    switch c {
    case .byte: return Double(raw.loadUnaligned(fromByteOffset: at, as: Int8.self))
    case .unsignedByte: return Double(raw[at])
    case .short: return Double(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int16.self)))
    case .unsignedShort: return Double(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt16.self)))
    case .unsignedInt: return Double(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
    case .float: return Double(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self))))
    }
}

/// glTF's normalized-integer decoding (spec §3.11): unsigned c / max, signed max(c / max, −1).
@inline(__always)
private func denormalize(_ v: Double, _ c: GLTFComponentType) -> Double {
    switch c {
    case .byte: return Swift.max(v / 127, -1)
    case .unsignedByte: return v / 255
    case .short: return Swift.max(v / 32767, -1)
    case .unsignedShort: return v / 65535
    case .unsignedInt, .float: return v
    }
}

public extension GLTFAsset {
    // MARK: Reading accessors

    /// The accessor's components as `Float`, flattened: `count × componentCount` values
    /// (a VEC3 accessor gives x0,y0,z0,x1,…; a MAT4 gives 16 column-major values each).
    /// Normalized integers are mapped to [0,1] or [−1,1]; other integers are converted as
    /// plain numbers. Sparse substitutions are applied.
    /// - Throws: `GLTFError.invalidReference` / `.accessorOutOfRange` / `.invalidAccessor`.
    func readFloats(accessor index: Int) throws -> [Float] {
        try readComponents(accessor: index) { Float($0) }
    }

    /// The accessor's components as `Double` (see `readFloats`).
    func readDoubles(accessor index: Int) throws -> [Double] {
        try readComponents(accessor: index) { $0 }
    }

    /// The accessor's integer components as `UInt32` (indices, joints). Float accessors
    /// are rejected unless every value is a non-negative integer.
    func readUInt32(accessor index: Int) throws -> [UInt32] {
        guard index >= 0, index < document.accessors.count else {
            throw GLTFError.invalidReference(at: "readUInt32", kind: "accessors", index: index)
        }
        let a = document.accessors[index]
        let ints = try readComponents(accessor: index, applyNormalization: false) { $0 }
        var out = [UInt32](repeating: 0, count: ints.count)
        for (i, v) in ints.enumerated() {
            guard v >= 0, v <= Double(UInt32.max), v == v.rounded() else {
                throw GLTFError.invalidAccessor(accessor: index, reason: "value \(v) at component \(i) is not an unsigned integer (componentType \(a.componentType))")
            }
            out[i] = UInt32(v)
        }
        return out
    }

    /// Reads `accessor` converting each component with `convert`.
    internal func readComponents<T>(accessor index: Int, applyNormalization: Bool = true,
                                    _ convert: (Double) -> T) throws -> [T] {
        let layout = try accessorLayout(index)
        let n = layout.type.componentCount
        var out = [T](repeating: convert(0), count: layout.count * n)
        let normalize = applyNormalization && layout.normalized
        if let b = layout.buffer {
            buffers[b].withUnsafeBytes { raw in
                let offsets = layout.componentOffsets
                var o = 0
                for e in 0..<layout.count {
                    let base = layout.start + e * layout.stride
                    for k in 0..<n {
                        var v = loadComponent(raw, base + offsets[k], layout.component)
                        if normalize { v = denormalize(v, layout.component) }
                        out[o] = convert(v); o += 1
                    }
                }
            }
        }
        if let sparse = document.accessors[index].sparse {
            let (indices, values) = try sparseData(accessor: index, sparse: sparse, layout: layout)
            for (s, target) in indices.enumerated() {
                guard target < layout.count else {
                    throw GLTFError.invalidAccessor(accessor: index, reason: "sparse index \(target) ≥ count \(layout.count)")
                }
                for k in 0..<n {
                    var v = values[s * n + k]
                    if normalize { v = denormalize(v, layout.component) }
                    out[target * n + k] = convert(v)
                }
            }
        }
        return out
    }

    private func sparseData(accessor index: Int, sparse: GLTFSparse, layout: GLTFAccessorLayout) throws -> ([Int], [Double]) {
        func view(_ v: Int) throws -> (Int, Int, Int) {   // buffer, start, length
            guard v >= 0, v < document.bufferViews.count else {
                throw GLTFError.invalidReference(at: "accessors[\(index)].sparse", kind: "bufferViews", index: v)
            }
            let bv = document.bufferViews[v]
            return (bv.buffer, bv.byteOffset ?? 0, bv.byteLength)
        }
        guard let ic = GLTFComponentType(rawValue: sparse.indices.componentType),
              ic == .unsignedByte || ic == .unsignedShort || ic == .unsignedInt else {
            throw GLTFError.invalidAccessor(accessor: index, reason: "sparse indices componentType \(sparse.indices.componentType)")
        }
        let (ib, istart, ilen) = try view(sparse.indices.bufferView)
        let (vb, vstart, vlen) = try view(sparse.values.bufferView)
        let ioff = sparse.indices.byteOffset ?? 0, voff = sparse.values.byteOffset ?? 0
        let n = layout.type.componentCount
        guard ioff + sparse.count * ic.byteSize <= ilen,
              voff + sparse.count * layout.elementSize <= vlen else {
            throw GLTFError.accessorOutOfRange(accessor: index, count: sparse.count)
        }
        var indices = [Int](repeating: 0, count: sparse.count)
        var values = [Double](repeating: 0, count: sparse.count * n)
        buffers[ib].withUnsafeBytes { raw in
            for s in 0..<sparse.count { indices[s] = Int(loadComponent(raw, istart + ioff + s * ic.byteSize, ic)) }
        }
        buffers[vb].withUnsafeBytes { raw in
            for s in 0..<sparse.count {
                for k in 0..<n {
                    values[s * n + k] = loadComponent(raw, vstart + voff + s * layout.elementSize + layout.componentOffsets[k], layout.component)
                }
            }
        }
        return (indices, values)
    }

    internal func accessorLayout(_ index: Int) throws -> GLTFAccessorLayout {
        guard index >= 0, index < document.accessors.count else {
            throw GLTFError.invalidReference(at: "accessor read", kind: "accessors", index: index)
        }
        let a = document.accessors[index]
        guard let component = a.component else {
            throw GLTFError.invalidAccessor(accessor: index, reason: "componentType \(a.componentType) is not a glTF component type")
        }
        guard let type = a.elementType else {
            throw GLTFError.invalidAccessor(accessor: index, reason: "type '\(a.type)' is not a glTF accessor type")
        }
        guard a.count >= 0 else { throw GLTFError.invalidAccessor(accessor: index, reason: "negative count") }
        let (offsets, size) = GLTFAccessorLayout.offsets(type: type, component: component)
        var layout = GLTFAccessorLayout(buffer: nil, start: 0, stride: size, count: a.count, type: type,
                                        component: component, normalized: a.normalized ?? false,
                                        componentOffsets: offsets, elementSize: size)
        guard let v = a.bufferView else { return layout }
        guard v >= 0, v < document.bufferViews.count else {
            throw GLTFError.invalidReference(at: "accessors[\(index)]", kind: "bufferViews", index: v)
        }
        let view = document.bufferViews[v]
        guard view.buffer >= 0, view.buffer < buffers.count else {
            throw GLTFError.invalidReference(at: "bufferViews[\(v)]", kind: "buffers", index: view.buffer)
        }
        let viewStart = view.byteOffset ?? 0
        guard viewStart >= 0, viewStart + view.byteLength <= buffers[view.buffer].count else {
            throw GLTFError.bufferViewOutOfRange(bufferView: v, end: viewStart + view.byteLength, bufferLength: buffers[view.buffer].count)
        }
        let stride = view.byteStride ?? size
        let offset = a.byteOffset ?? 0
        if a.count > 0 {
            guard offset >= 0, stride > 0, offset + stride * (a.count - 1) + size <= view.byteLength else {
                throw GLTFError.accessorOutOfRange(accessor: index, count: a.count)
            }
        }
        layout.buffer = view.buffer
        layout.start = buffers[view.buffer].startIndex + viewStart + offset
        layout.stride = stride
        return layout
    }

    // MARK: Writing accessors

    /// Appends a float accessor (tightly packed, in buffer 0) and returns its index.
    /// - Parameters:
    ///   - values: `count × type.componentCount` values, flattened as `readFloats` returns them.
    ///   - componentType: `.float` (default) or an integer type; integer types store
    ///     `round(value × max)` with `normalized: true` (e.g. UNSIGNED_SHORT weights, colours).
    ///   - target: the buffer view's target (vertex attributes `.arrayBuffer`); nil for
    ///     animation and skin data.
    ///   - minMax: store per-component `min`/`max` (required for POSITION).
    @discardableResult
    mutating func appendAccessor(floats values: [Float], type: GLTFAccessorType,
                                 componentType: GLTFComponentType = .float,
                                 target: GLTFBufferTarget? = nil, minMax: Bool = false,
                                 name: String? = nil) -> Int {
        let n = type.componentCount
        precondition(values.count % n == 0, "values.count must be a multiple of the component count")
        var bytes = Data(capacity: values.count * componentType.byteSize)
        func put<I: FixedWidthInteger>(_ x: I) { var v = x.littleEndian; withUnsafeBytes(of: &v) { bytes.append(contentsOf: $0) } }
        for v in values {
            switch componentType {
            case .float: put(v.bitPattern)
            case .unsignedByte: put(UInt8(Swift.max(0, Swift.min(255, (v * 255).rounded()))))
            case .unsignedShort: put(UInt16(Swift.max(0, Swift.min(65535, (v * 65535).rounded()))))
            case .byte: put(Int8(Swift.max(-127, Swift.min(127, (v * 127).rounded()))))
            case .short: put(Int16(Swift.max(-32767, Swift.min(32767, (v * 32767).rounded()))))
            case .unsignedInt: put(UInt32(Swift.max(0, v.rounded())))
            }
        }
        var accessor = GLTFAccessor(bufferView: nil, componentType: componentType,
                                    normalized: componentType == .float || componentType == .unsignedInt ? nil : true,
                                    count: values.count / n, type: type)
        accessor.name = name
        if minMax, accessor.count > 0 {
            var lo = [Double](repeating: .infinity, count: n), hi = [Double](repeating: -.infinity, count: n)
            for e in 0..<accessor.count {
                for k in 0..<n { let v = Double(values[e * n + k]); lo[k] = Swift.min(lo[k], v); hi[k] = Swift.max(hi[k], v) }
            }
            accessor.min = lo; accessor.max = hi
        }
        return appendAccessor(accessor, bytes: bytes, elementSize: n * componentType.byteSize, target: target)
    }

    /// Appends an unsigned-integer accessor (indices, joint indices, or integer weights
    /// already quantized) and returns its index. Values must fit `componentType`.
    @discardableResult
    mutating func appendAccessor(uints values: [UInt32], type: GLTFAccessorType = .scalar,
                                 componentType: GLTFComponentType, normalized: Bool = false,
                                 target: GLTFBufferTarget? = nil, name: String? = nil) -> Int {
        let n = type.componentCount
        var bytes = Data(capacity: values.count * componentType.byteSize)
        func put<I: FixedWidthInteger>(_ x: I) { var v = x.littleEndian; withUnsafeBytes(of: &v) { bytes.append(contentsOf: $0) } }
        for v in values {
            switch componentType {
            case .unsignedByte: put(UInt8(truncatingIfNeeded: v))
            case .unsignedShort: put(UInt16(truncatingIfNeeded: v))
            case .unsignedInt: put(v)
            case .byte: put(Int8(truncatingIfNeeded: v))
            case .short: put(Int16(truncatingIfNeeded: v))
            case .float: put(Float(v).bitPattern)
            }
        }
        var accessor = GLTFAccessor(bufferView: nil, componentType: componentType,
                                    normalized: normalized ? true : nil, count: values.count / n, type: type)
        accessor.name = name
        if type == .scalar, target == .elementArrayBuffer, !values.isEmpty {
            accessor.min = [Double(values.min()!)]; accessor.max = [Double(values.max()!)]
        }
        return appendAccessor(accessor, bytes: bytes, elementSize: n * componentType.byteSize, target: target)
    }

    /// Appends raw element bytes as a new buffer view in buffer 0 (padding vertex
    /// attributes to 4-byte strides) and the accessor pointing at it.
    private mutating func appendAccessor(_ accessor: GLTFAccessor, bytes: Data, elementSize: Int,
                                         target: GLTFBufferTarget?) -> Int {
        var accessor = accessor
        var payload = bytes
        var stride: Int?
        if target == .arrayBuffer, elementSize % 4 != 0 {
            let padded = (elementSize + 3) / 4 * 4
            payload = Data(capacity: accessor.count * padded)
            for e in 0..<accessor.count {
                payload.append(bytes[bytes.startIndex + e * elementSize ..< bytes.startIndex + (e + 1) * elementSize])
                payload.append(contentsOf: [UInt8](repeating: 0, count: padded - elementSize))
            }
            stride = padded
        }
        let view = appendBufferView(payload, target: target)
        if let stride { document.bufferViews[view].byteStride = stride }
        accessor.bufferView = view
        document.accessors.append(accessor)
        return document.accessors.count - 1
    }

    /// Appends bytes to buffer 0 (created if absent) at a 4-byte aligned offset and returns
    /// the new buffer view's index.
    @discardableResult
    mutating func appendBufferView(_ bytes: Data, target: GLTFBufferTarget? = nil) -> Int {
        if document.buffers.isEmpty {
            document.buffers.append(GLTFBuffer(byteLength: 0))
            buffers.append(Data())
        }
        var buffer = buffers[0]
        if buffer.startIndex != 0 { buffer = Data(buffer) }
        if buffer.count < document.buffers[0].byteLength { buffer.count = document.buffers[0].byteLength }
        buffer.count = document.buffers[0].byteLength
        while buffer.count % 4 != 0 { buffer.append(0) }
        let offset = buffer.count
        buffer.append(bytes)
        buffers[0] = buffer
        document.buffers[0].byteLength = buffer.count
        document.bufferViews.append(GLTFBufferView(buffer: 0, byteOffset: offset, byteLength: bytes.count,
                                                   target: target?.rawValue))
        return document.bufferViews.count - 1
    }
}
