import Foundation

/// One `--feed NAME=FILE` argument: a model input and the file that holds its value.
///
/// The text is split at the first `=`, so the input name cannot contain `=` but the path may
/// (`--feed x=runs/a=b/x.npy` feeds `runs/a=b/x.npy` to `x`).
public struct FeedArgument: Sendable, Equatable {
    /// The model input's name.
    public var input: String
    /// The `.npy` (numbers, booleans) or `.json` (strings) file.
    public var file: URL

    public init(input: String, file: URL) {
        self.input = input
        self.file = file
    }

    /// Parses `NAME=FILE`.
    /// - Throws: ``BenchError`` when there is no `=`, or the name or the path is empty.
    public init(parsing text: String) throws {
        guard let eq = text.firstIndex(of: "=") else {
            throw BenchError("--feed '\(text)': expected NAME=FILE (a model input name, '=', then a .npy or .json file)")
        }
        let name = String(text[..<eq]), path = String(text[text.index(after: eq)...])
        guard !name.isEmpty else { throw BenchError("--feed '\(text)': the input name before '=' is empty") }
        guard !path.isEmpty else { throw BenchError("--feed '\(text)': the file after '=' is empty") }
        self.init(input: name, file: URL(fileURLWithPath: path))
    }

    /// Parses every argument and checks that no input is fed twice.
    public static func parse(_ texts: [String]) throws -> [FeedArgument] {
        let feeds = try texts.map(FeedArgument.init(parsing:))
        var seen: [String: String] = [:]
        for f in feeds {
            if let earlier = seen[f.input] {
                throw BenchError("--feed: input '\(f.input)' is fed twice (\(earlier) and \(f.file.path))")
            }
            seen[f.input] = f.file.path
        }
        return feeds
    }
}
