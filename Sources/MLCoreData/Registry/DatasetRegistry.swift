import Foundation
import MLCoreTensor

/// The datasets of `datasets/manifest.json`: list, build, verify, load.
///
/// ```swift
/// let registry = try DatasetRegistry.locate()
/// let report = try registry.build(DatasetRegistry.BuildRequest(name: "airline-nyc2013"))
/// let train = try registry.load("airline-nyc2013", split: .train)   // verifies the SHA-256 first
/// ```
/// Building writes `train.csv` and `test.csv` into `datasets/build/<name>/` (git-ignored), or into
/// `datasets/build/synthetic-<rows>-seed<seed>/` for the generator. Loading builds a missing recipe or generator
/// output on demand, and refuses a file whose SHA-256 differs from the manifest.
public struct DatasetRegistry: Sendable {
    /// The datasets directory (holding `manifest.json`).
    public let root: URL
    public let manifest: DatasetManifest

    /// Reads `<root>/manifest.json`.
    /// - Throws: ``DataError`` `.notFound` without a manifest, `.malformed` when it is not valid manifest JSON.
    public init(root: URL) throws {
        self.root = root
        let url = root.appendingPathComponent("manifest.json")
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DataError(.notFound, file: url.path, reason: "no dataset manifest")
        }
        do { manifest = try JSONDecoder().decode(DatasetManifest.self, from: data) } catch {
            throw DataError(.malformed, file: url.path, reason: "not a valid manifest: \(error)")
        }
    }

    /// Finds the datasets directory: `$MLCORE_DATASETS` if set, else the first `datasets/manifest.json` in the
    /// current directory or its parents, else the one of the source tree this module was built from.
    public static func locate() throws -> DatasetRegistry {
        if let env = ProcessInfo.processInfo.environment["MLCORE_DATASETS"], !env.isEmpty {
            return try DatasetRegistry(root: URL(fileURLWithPath: env))
        }
        var dir = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        while true {
            let candidate = dir.appendingPathComponent("datasets")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("manifest.json").path) {
                return try DatasetRegistry(root: candidate)
            }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { break }
            dir = parent
        }
        // <repo>/Sources/MLCoreData/Registry/DatasetRegistry.swift -> <repo>/datasets
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("datasets")
        return try DatasetRegistry(root: source)
    }

    /// The entry named `name`.
    /// - Throws: ``DataError`` `.invalidRequest` listing the known names.
    public func entry(_ name: String) throws -> DatasetEntry {
        guard let e = manifest.datasets.first(where: { $0.name == name }) else {
            throw DataError(.invalidRequest, file: root.appendingPathComponent("manifest.json").path,
                            reason: "unknown dataset '\(name)'; known: \(manifest.datasets.map(\.name).joined(separator: ", "))")
        }
        return e
    }

    /// What to build.
    public struct BuildRequest: Sendable {
        public var name: String
        /// Generator only: total rows and seed (default: the manifest's defaults).
        public var rows: Int?
        public var seed: UInt64?
        /// Where to write (default: ``defaultOutputDirectory(_:rows:seed:)``).
        public var outputDirectory: URL?

        public init(name: String, rows: Int? = nil, seed: UInt64? = nil, outputDirectory: URL? = nil) {
            self.name = name
            self.rows = rows
            self.seed = seed
            self.outputDirectory = outputDirectory
        }
    }

    /// One written file compared with the manifest.
    public struct FileCheck: Sendable {
        public var written: WrittenFile
        /// The manifest's record, `nil` when it records none (a generator size or seed not in the manifest).
        public var expected: DatasetFile?
        public var matches: Bool? { expected.map { $0.sha256 == written.sha256 && $0.rows == written.rows } }
    }

    public struct BuildReport: Sendable {
        public var name: String
        public var directory: URL
        public var files: [FileCheck]
        public var notes: [String]
        public var seconds: Double
        /// No file differs from the manifest (files the manifest does not record do not count).
        public var consistent: Bool { files.allSatisfy { $0.matches != false } }
    }

    /// `datasets/build/<name>/`, or `datasets/build/<name>-<rows>-seed<seed>/` for a generator.
    public func defaultOutputDirectory(_ entry: DatasetEntry, rows: Int, seed: UInt64) -> URL {
        let build = root.appendingPathComponent("build")
        return entry.kind == .generator ? build.appendingPathComponent("\(entry.name)-\(rows)-seed\(seed)")
                                        : build.appendingPathComponent(entry.name)
    }

    /// The generator's (rows, seed) for a request, with the manifest's defaults.
    public func generatorParameters(_ entry: DatasetEntry, rows: Int?, seed: UInt64?) -> (rows: Int, seed: UInt64) {
        (rows ?? entry.generator?.defaultRows ?? 100_000, seed ?? entry.generator?.defaultSeed ?? 42)
    }

    /// The manifest's records of the output files (nil for a generator size/seed it does not record).
    public func expectedFiles(_ entry: DatasetEntry, rows: Int, seed: UInt64) -> [DatasetFile]? {
        switch entry.kind {
        case .committed, .recipe: return entry.files
        case .generator: return entry.variants?.first { $0.rows == rows && $0.seed == seed }?.files
        }
    }

    /// Builds a dataset and compares every file with the manifest.
    /// - Parameter progress: messages about long steps (for a terminal status line).
    /// - Throws: ``DataError`` when an input is missing or differs from the manifest (`.checksumMismatch`), or
    ///   for anything the recipe or generator rejects. A built file that differs from the manifest is *not*
    ///   thrown: it is reported in ``BuildReport/files`` so that both checksums can be shown.
    public func build(_ request: BuildRequest, progress: (String) -> Void = { _ in }) throws -> BuildReport {
        let entry = try entry(request.name)
        let (rows, seed) = generatorParameters(entry, rows: request.rows, seed: request.seed)
        if entry.kind != .generator && (request.rows != nil || request.seed != nil) {
            throw DataError(.invalidRequest, file: entry.name, reason: "--rows and --seed apply to generated datasets only")
        }
        let directory = request.outputDirectory ?? defaultOutputDirectory(entry, rows: rows, seed: seed)
        let start = Date()
        var notes: [String] = []
        let written: [WrittenFile]
        switch entry.kind {
        case .committed:
            written = try copyCommitted(entry, to: directory)
        case .recipe:
            for input in entry.inputs ?? [] {
                progress("verifying \(input.path)")
                try verify(root.appendingPathComponent(input.path).path, expected: input)
            }
            guard entry.name == AirlineNYC2013.name else {
                throw DataError(.unsupported, file: entry.name, reason: "no Swift recipe named '\(entry.name)'")
            }
            progress("building \(entry.name)")
            let out = try AirlineNYC2013.build(extract: root.appendingPathComponent(AirlineNYC2013.extractPath).path,
                                               outputDirectory: directory.path)
            written = out.files
            notes.append("\(out.inputRows) flights, \(out.droppedRows) cancelled dropped, \(out.features.count) features")
            if out.features != entry.features { notes.append("WARNING: the feature list differs from the manifest") }
        case .generator:
            guard entry.name == "synthetic" else {
                throw DataError(.unsupported, file: entry.name, reason: "no Swift generator named '\(entry.name)'")
            }
            let task = try SyntheticBinaryTask(rows: rows, seed: seed)
            written = try task.write(toDirectory: directory.path) { fraction in
                progress("generating \(entry.name): \(Int(fraction * 100)) %")
            }
            notes.append("generator v\(SyntheticBinaryTask.version), SplitMix64 seed \(seed), \(rows) rows")
        }
        let expected = expectedFiles(entry, rows: rows, seed: seed)
        let checks = written.map { w in FileCheck(written: w, expected: expected?.first { $0.path == w.name }) }
        return BuildReport(name: entry.name, directory: directory, files: checks, notes: notes,
                           seconds: Date().timeIntervalSince(start))
    }

    private func copyCommitted(_ entry: DatasetEntry, to directory: URL) throws -> [WrittenFile] {
        let source = root.appendingPathComponent(entry.directory ?? entry.name)
        return try (entry.files ?? []).map { file in
            let bytes = try FileBytes(path: source.appendingPathComponent(file.path).path)
            let content = UnsafeRawBufferPointer(start: bytes.base, count: bytes.count)
            var hasher = SHA256()
            hasher.update(content)
            guard hasher.hexDigest() == file.sha256 else {
                throw DataError(.checksumMismatch, file: bytes.file,
                                reason: "SHA-256 is \(hasher.hexDigest()), the manifest records \(file.sha256)")
            }
            let out = try BufferedFileWriter(path: directory.appendingPathComponent(file.path).path)
            try out.append(content)
            let (n, sha) = try out.finish()
            return WrittenFile(name: file.path, path: directory.appendingPathComponent(file.path).path,
                               rows: file.rows, bytes: n, sha256: sha)
        }
    }

    /// Checks that the file at `path` has the manifest's SHA-256.
    /// - Throws: ``DataError`` `.notFound` or `.checksumMismatch` (with both checksums).
    public func verify(_ path: String, expected: DatasetFile) throws {
        let actual = try SHA256.hex(contentsOfFile: path)
        guard actual == expected.sha256 else {
            throw DataError(.checksumMismatch, file: path,
                            reason: "SHA-256 is \(actual), the manifest records \(expected.sha256); "
                                + "the file was modified or built by a different version")
        }
    }

    /// Loads one split as features and labels, verifying the file's SHA-256 against the manifest first.
    ///
    /// A recipe or generator output that does not exist yet is built first. A generator size or seed that the
    /// manifest does not record is loaded unverified (``LabeledData/verified`` is false).
    /// - Throws: ``DataError`` (`.checksumMismatch` for a file that differs from the manifest), ``CSVError``.
    public func load(_ name: String, split: DatasetSplit, rows: Int? = nil, seed: UInt64? = nil) throws -> LabeledData {
        let entry = try entry(name)
        let (rows, seed) = generatorParameters(entry, rows: rows, seed: seed)
        let directory: URL = entry.kind == .committed ? root.appendingPathComponent(entry.directory ?? entry.name)
                                                      : defaultOutputDirectory(entry, rows: rows, seed: seed)
        let file = directory.appendingPathComponent(split.fileName)
        if entry.kind != .committed && !FileManager.default.fileExists(atPath: file.path) {
            _ = try build(BuildRequest(name: name, rows: entry.kind == .generator ? rows : nil,
                                       seed: entry.kind == .generator ? seed : nil))
        }
        let expected = expectedFiles(entry, rows: rows, seed: seed)?.first { $0.path == split.fileName }
        if let expected { try verify(file.path, expected: expected) }
        var data = try LabeledData(contentsOf: file, label: entry.label)
        data.verified = expected != nil
        return data
    }
}

public enum DatasetSplit: String, Sendable, CaseIterable {
    case train, test
    public var fileName: String { rawValue + ".csv" }
}

/// Features and labels of one CSV file.
public struct LabeledData: Sendable {
    /// `[rows, features]` float32.
    public var features: Tensor
    /// `[rows]` float32.
    public var labels: Tensor
    public var featureNames: [String]
    public var labelName: String
    public var file: String
    /// Whether the file's SHA-256 was checked against the manifest.
    public var verified = false

    /// Reads a numeric CSV and splits off the label column.
    /// - Throws: ``DataError`` for a missing file, ``CSVError`` for malformed CSV or a missing label column.
    public init(contentsOf url: URL, label: String) throws {
        let csv = try NumericCSV(contentsOf: url)
        (features, labels) = try csv.split(label: label)
        featureNames = try csv.featureNames(label: label)
        labelName = label
        file = url.path
    }
}
