/// The median of `values`: the middle value, or the mean of the two middle values when the
/// count is even. NaN when `values` is empty (a JSON report prints it as null).
public func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let s = values.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}
