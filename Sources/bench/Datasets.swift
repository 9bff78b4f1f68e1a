import ArgumentParser
import Foundation
import MLBench

struct Datasets: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datasets",
        abstract: "List, build and verify the datasets of datasets/manifest.json.",
        discussion: """
            Built files go to the git-ignored datasets/build/NAME/ (synthetic: datasets/build/synthetic-ROWS-seedSEED/) \
            as train.csv and test.csv, label column last. Every build prints the SHA-256 of each file and compares it \
            with the manifest; a difference makes the command fail. Set MLCORE_DATASETS to use another datasets directory.
            """,
        subcommands: [List.self, Build.self, Verify.self, Describe.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the datasets (the default).")

        func run() throws {
            print(DatasetCommands.list(try DatasetRegistry.locate()), terminator: "")
        }
    }

    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "build", abstract: "Build one dataset.")

        @Argument(help: "The dataset (see `bench datasets`).") var name: String
        @Option(name: .long, help: "Output directory (default: datasets/build/NAME).") var out: String?
        @Option(name: .long, help: "Generator only: total rows, train + test (default 100000).") var rows: Int?
        @Option(name: .long, help: "Generator only: seed (default 42).") var seed: UInt64?

        func run() throws {
            let registry = try DatasetRegistry.locate()
            let interactive = isatty(STDERR_FILENO) != 0
            let request = DatasetRegistry.BuildRequest(name: name, rows: rows, seed: seed,
                                                       outputDirectory: out.map { URL(fileURLWithPath: $0) })
            let (text, consistent) = try DatasetCommands.build(registry, request) { message in
                if interactive { FileHandle.standardError.write(Data(("\u{1B}[2K\r" + message).utf8)) }
            }
            if interactive { FileHandle.standardError.write(Data("\u{1B}[2K\r".utf8)) }
            print(text, terminator: "")
            if !consistent { throw ExitCode(1) }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify", abstract: "Check built (or committed) files against the manifest's SHA-256.")

        @Argument(help: "The dataset.") var name: String
        @Option(name: .long, help: "Generator only: total rows.") var rows: Int?
        @Option(name: .long, help: "Generator only: seed.") var seed: UInt64?

        func run() throws {
            print(try DatasetCommands.verify(try DatasetRegistry.locate(), name: name, rows: rows, seed: seed), terminator: "")
        }
    }

    struct Describe: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "describe", abstract: "Print the column-type report of a CSV file.")

        @Argument(help: "A CSV file with a header row.") var file: String

        func run() throws {
            print(try DatasetCommands.describe(csv: file), terminator: "")
        }
    }
}
