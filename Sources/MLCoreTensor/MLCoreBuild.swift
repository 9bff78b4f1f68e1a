/// Facts about this build of MLCore that reports and tools record.
public enum MLCoreBuild {
    /// MLCore's version (semantic versioning; bumped with each tagged release).
    public static let version = "0.9.0"
}
